"""python manage.py health [--format table|csv|json] [--require CHECK ...]: what /healthz answers, as a
table: each dependency, then the backlog of each kind of pending work. Exit status 1 when the shop
cannot take payments (the 503 of /healthz) or a --require'd check is not ok (docker-compose.yml's
health check of beat requires "beat"), 0 otherwise (ok or degraded)."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core import jobs
from core.health import pending_backlog, system_status, takes_payments
from core.tabular import add_format_argument, write_rows


class Command(BaseCommand):
    help = "The store's health: each dependency, the worker and scheduler heartbeats, and the pending work backlog."

    def add_arguments(self, parser):
        add_format_argument(parser)
        parser.add_argument("--require", action="append", default=[], metavar="CHECK",
                            choices=["database", "cache", "broker", "worker", "beat", "jobs"],
                            help="Exit 1 unless this check is ok (or eager); may be given more than once.")

    def handle(self, *args, **options):
        status = system_status(fresh=True)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(status, indent=2, default=str))
        else:
            checks = [{"check": name, "status": check["status"], "detail": _detail(check)}
                      for name, check in status.items() if isinstance(check, dict)]
            checks.append({"check": "overall", "status": status["status"], "detail": ""})
            write_rows(self.stdout, checks, [("check", _("check")), ("status", _("status")), ("detail", _("detail"))],
                       fmt)
            if status["database"]["status"] == "ok":
                self.stdout.write("\n")
                labels = {work.name: str(work.label) for work in jobs.registered()}
                rows = [{"work": row.name, "what": labels.get(row.name, ""), "overdue": row.count,
                         "oldest": row.oldest.isoformat(timespec="seconds") if row.oldest else ""}
                        for row in pending_backlog()]
                write_rows(self.stdout, rows, [("work", _("pending work")), ("what", _("what")),
                                               ("overdue", _("overdue")), ("oldest", _("oldest due"))], fmt)
        if not takes_payments(status) or any(status[name]["status"] not in ("ok", "eager")
                                             for name in options["require"]):
            raise SystemExit(1)


def _detail(check: dict) -> str:
    extra = {key: value for key, value in check.items() if key not in ("status", "detail", "backlog")}
    parts = [check.get("detail") or ""] + [f"{key}={value}" for key, value in extra.items() if value not in (None, "")]
    return "; ".join(part for part in parts if part)
