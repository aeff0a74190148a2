"""python manage.py pages_warm [--products N] [--search WORDS ...]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.command_input import whole_number
from storefront.warm import pages_warm


class Command(BaseCommand):
    help = (
        "Render the pages a crowd opens first (home, families, categories, the best sellers, the given "
        "searches) so their cached parts are ready before a sale opens or after a catalog-wide change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", default="200", help="How many best-selling products (200).")
        parser.add_argument(
            "--search", action="append", default=[], dest="searches", help="A search to render; repeatable."
        )

    def handle(self, *args, products, searches, **options):
        report = pages_warm(products=whole_number(products, option="--products"), searches=searches)
        self.stdout.write(
            _("%(pages)d pages rendered in %(seconds).1f s.") % {"pages": report.pages, "seconds": report.seconds}
        )
        for address, status in report.failed:
            self.stdout.write(
                _("Not rendered (answer %(status)d): %(address)s") % {"status": status, "address": address}
            )
        for address in report.held:
            self.stdout.write(_("Held by the waiting room: %(address)s") % {"address": address})
        if report.failed or report.held:
            count = len(report.failed) + len(report.held)
            raise CommandError(_("%(count)d pages could not be rendered.") % {"count": count})
