"""python manage.py health [--format table|csv|json] [--require CHECK ...]: what /healthz answers, as a
table: each dependency, then the backlog of each kind of pending work. Exit status 1 when the shop
cannot take payments (the 503 of /healthz) or a --require'd check is not ok (docker-compose.yml's
health check of beat requires "beat"), 0 otherwise (ok or degraded)."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import jobs
from core.health import pending_backlog, system_status, takes_payments
from core.tabular import add_format_argument, write_rows

# The table is for people: each check, status and figure in their words (the JSON keeps the codes
# and the English /healthz answers, for monitors).
CHECKS = {
    "database": gettext_lazy("database"),
    "cache": gettext_lazy("cache (Redis)"),
    "broker": gettext_lazy("task queue (broker)"),
    "worker": gettext_lazy("worker"),
    "beat": gettext_lazy("scheduler (beat)"),
    "jobs": gettext_lazy("pending work"),
    "overall": gettext_lazy("overall"),
}
STATUSES = {
    "ok": gettext_lazy("fine"),
    "eager": gettext_lazy("inline (no queue)"),
    "late": gettext_lazy("late"),
    "error": gettext_lazy("error"),
    "unavailable": gettext_lazy("unavailable"),
    "degraded": gettext_lazy("degraded"),
}
FIGURES = {
    "ms": gettext_lazy("%(value)s ms"),
    "last_seen": gettext_lazy("last seen %(value)s"),
    "last_run": gettext_lazy("last run %(value)s"),
    "age_seconds": gettext_lazy("%(value)s s ago"),
    "workers": gettext_lazy("%(value)s workers connected"),
    "oldest_overdue_seconds": gettext_lazy("oldest overdue for %(value)s s"),
}


class Command(BaseCommand):
    help = "The store's health: each dependency, the worker and scheduler heartbeats, and the pending work backlog."

    def add_arguments(self, parser):
        add_format_argument(parser)
        parser.add_argument(
            "--require",
            action="append",
            default=[],
            metavar="CHECK",
            choices=["database", "cache", "broker", "worker", "beat", "jobs"],
            help="Exit 1 unless this check is ok (or eager); may be given more than once.",
        )

    def handle(self, *args, **options):
        status = system_status(fresh=True)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(status, indent=2, default=str))
        else:
            checks = [
                {"check": str(CHECKS.get(name, name)), "status": _status(check["status"]), "detail": _detail(check)}
                for name, check in status.items()
                if isinstance(check, dict)
            ]
            checks.append({"check": str(CHECKS["overall"]), "status": _status(status["status"]), "detail": ""})
            write_rows(
                self.stdout, checks, [("check", _("check")), ("status", _("status")), ("detail", _("detail"))], fmt
            )
            if status["database"]["status"] == "ok":
                self.stdout.write("\n")
                labels = {work.name: str(work.label) for work in jobs.registered()}
                rows = [
                    {"work": row.name, "what": labels.get(row.name, ""), "overdue": row.count, "oldest": row.oldest}
                    for row in pending_backlog()
                ]
                write_rows(
                    self.stdout,
                    rows,
                    [
                        ("work", _("pending work")),
                        ("what", _("what")),
                        ("overdue", _("overdue")),
                        ("oldest", _("oldest due")),
                    ],
                    fmt,
                )
        if not takes_payments(status) or any(
            status[name]["status"] not in ("ok", "eager") for name in options["require"]
        ):
            raise SystemExit(1)


def _status(code: str) -> str:
    return str(STATUSES.get(code, code))


def _detail(check: dict) -> str:
    detail = check.get("detail") or ""
    parts = [detail.translated() if hasattr(detail, "translated") else detail]
    for key, value in check.items():
        if key in ("status", "detail", "backlog") or value in (None, ""):
            continue
        if key in ("last_seen", "last_run"):  # ISO stamps in UTC, as /healthz answers them
            value = timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        parts.append(str(FIGURES[key]) % {"value": value} if key in FIGURES else f"{key}={value}")
    return "; ".join(part for part in parts if part)
