"""python manage.py receipts_issue_missing: issue the receipts of paid orders (and the credit notes
of succeeded refunds) that have none, e.g. after a lost task. Safe to run any time."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from receipts.services import receipts_issue_missing


class Command(BaseCommand):
    help = "Issue missing receipts for paid orders and missing credit notes for succeeded refunds."

    def handle(self, *args, verbosity, **options):
        issued, problems = receipts_issue_missing()
        for problem in problems:
            self.stderr.write(_("Not issued: %(problem)s") % {"problem": problem})
        if verbosity >= 1:
            self.stdout.write(
                ngettext("%(count)d receipt issued", "%(count)d receipts issued", issued) % {"count": issued}
                + ", "
                + ngettext("%(count)d could not be issued", "%(count)d could not be issued", len(problems))
                % {"count": len(problems)}
            )
