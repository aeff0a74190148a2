"""python manage.py payments_reconcile [--date YYYY-MM-DD]: compare each configured gateway's own list
of a Lima day's payments and refunds with the store's (yesterday by default) and record what differs
for staff (reconciliation.services). Exit 0: every gateway compared, nothing open; exit 1: a bad or
future date, a gateway whose list could not be read (the others are still compared), or open findings."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reconciliation.models import Discrepancy
from reconciliation.services import ReconciliationError, reconciliation_run


def _day(value: str | None) -> date:
    if not value:
        return timezone.localdate() - timedelta(days=1)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(_("%(value)s is not a date: write it as YYYY-MM-DD.") % {"value": value}) from None


class Command(BaseCommand):
    help = (
        "Compare each configured gateway's own list of a Lima day's payments and refunds with the store's; "
        "each difference is recorded for staff (Conciliación de pagos in the admin). Nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="The day (Lima); yesterday by default.")

    def handle(self, *args, date, verbosity, **options):
        day = _day(date)
        try:
            outcome = reconciliation_run(day=day)
        except ReconciliationError as error:
            raise CommandError(str(error)) from None
        run = outcome.run
        compared = run.compared_gateways
        if verbosity >= 1:
            self.stdout.write(
                _("%(day)s: compared %(gateways)s; %(count)d open findings.")
                % {"day": day.isoformat(), "gateways": ", ".join(compared) or "—", "count": outcome.open_findings}
            )
            for row in run.discrepancies.filter(status=Discrepancy.Status.OPEN).order_by("provider", "kind", "key"):
                self.stdout.write(f"  {row.provider}\t{row.get_kind_display()}\t{row.gateway_reference}\t{row.detail}")
        for provider, reason in sorted(outcome.failed.items()):
            self.stderr.write(_("%(gateway)s could not be read: %(error)s") % {"gateway": provider, "error": reason})
        if outcome.failed:
            raise CommandError(
                _("Not every gateway could be compared: %(gateways)s.")
                % {"gateways": ", ".join(sorted(outcome.failed))}
            )
        if outcome.open_findings:
            raise CommandError(
                _("%(count)d findings to review in the admin.") % {"count": outcome.open_findings}, returncode=1
            )
