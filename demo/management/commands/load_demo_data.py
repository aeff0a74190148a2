"""Load the demo catalog of the Kallpa store: python manage.py load_demo_data [--products N] [--seed S] [--reset]."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.command_input import whole_number
from demo.catalog.loader import DEFAULT_PRODUCTS, DEFAULT_SEED, MAX_PRODUCTS, DemoCatalogError, load_demo_catalog

SUMMARY = [
    ("families", gettext_lazy("Families")),
    ("categories", gettext_lazy("Categories")),
    ("brands", gettext_lazy("Brands")),
    ("lines", gettext_lazy("Product lines")),
    ("products", gettext_lazy("Products")),
    ("variants", gettext_lazy("Variants")),
    ("images", gettext_lazy("Product images")),
    ("kits", gettext_lazy("Kits")),
    ("collections", gettext_lazy("Collections")),
    ("banners", gettext_lazy("Banners")),
    ("price_history", gettext_lazy("Price history rows")),
]


class Command(BaseCommand):
    help = (
        "Load a demo catalog (technology, home and fashion) with variants, pictures, kits, collections, "
        "banners and the stock of three warehouses. Does nothing if the catalog is already loaded, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            default=DEFAULT_PRODUCTS,
            help=f"How many products to generate (1 to {MAX_PRODUCTS:,}; default {DEFAULT_PRODUCTS}).",
        )
        parser.add_argument(
            "--seed",
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed gives the same catalog (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every catalog row (products, kits, collections, banners...) first.",
        )

    def handle(self, *args, products, seed, reset, verbosity, **options):
        products = whole_number(products, option="--products", minimum=1, maximum=MAX_PRODUCTS)
        seed = whole_number(seed, option="--seed")
        from demo.bundles import load_demo_bundles
        from demo.inventory import delete_demo_stock, load_demo_inventory

        if reset:
            delete_demo_stock()  # stock levels point at the variants being replaced
        try:
            summary = load_demo_catalog(products=products, seed=seed, reset=reset, progress=verbosity >= 1)
        except DemoCatalogError as error:
            raise CommandError(str(error)) from error
        # Stock comes with every load, not only --reset: a fresh catalog without it shows every product
        # as "Agotado". The inventory loader skips what is already there, so this is idempotent.
        load_demo_inventory(progress=verbosity >= 1)
        load_demo_bundles()  # of demo products in stock; a bundle's stock is its parts'
        if not summary["created"]:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The demo catalog is already loaded (the family 'tecnologia' exists); nothing changed. "
                        "Use --reset to delete it and load it again."
                    )
                )
            )
            return
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(_("Demo catalog loaded (seed %(seed)s).") % {"seed": seed}))
            for key, label in SUMMARY:
                self.stdout.write(f"  {label!s:<20} {summary[key]:>9,}")
            self.stdout.write(f"  {_('Image files'):<20} {summary['image_files']:>9,}")
