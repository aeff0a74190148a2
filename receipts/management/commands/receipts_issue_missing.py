"""python manage.py receipts_issue_missing: issue the receipts of paid orders (and the credit notes
of succeeded refunds) that have none, e.g. after a lost task. Safe to run any time."""

from django.core.management.base import BaseCommand

from receipts.services import receipts_issue_missing


class Command(BaseCommand):
    help = "Issue missing receipts for paid orders and missing credit notes for succeeded refunds."

    def handle(self, *args, verbosity, **options):
        issued, problems = receipts_issue_missing()
        for problem in problems:
            self.stderr.write(f"Not issued: {problem}")
        if verbosity >= 1:
            self.stdout.write(f"{issued} receipts issued, {len(problems)} could not be issued")
