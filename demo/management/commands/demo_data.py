"""Load demo data (idempotent) and make sure an administrator exists.

Each capability adds its own demo loader to DEMO_STEPS; running the command twice
changes nothing the second time.
"""

import json
import logging
import os
import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from accounts.roles import Role
from accounts.services import address_create, user_add_role
from demo.alerts import ensure_demo_alerts
from demo.constants import ADMIN_EMAIL, CUSTOMER_EMAIL
from demo.favourites import ensure_demo_favourites

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".demo-admin.json"


def _load_credentials() -> dict:
    try:
        return json.loads(CREDENTIALS_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _ensure_user(email: str, *, superuser: bool, credentials: dict, **fields) -> tuple[bool, str | None]:
    """Create the user with a fresh random password if missing; return (created, known password)."""
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        user = User.objects.get(email__iexact=email)
        known = credentials.get(email)
        return False, known if known and user.check_password(known) else None
    password = secrets.token_urlsafe(12)
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(email=email, password=password, email_verified=True, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    credentials[email] = password
    return True, password


def ensure_demo_admin(credentials: dict) -> tuple[str, bool, str | None]:
    User = get_user_model()
    existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if existing is not None and existing.email.lower() != ADMIN_EMAIL:
        known = credentials.get(existing.email)
        return existing.email, False, known if known and existing.check_password(known) else None
    created, password = _ensure_user(
        ADMIN_EMAIL, superuser=True, credentials=credentials, first_name="Admin", last_name="Kallpa"
    )
    if created:
        user_add_role(user=User.objects.get(email=ADMIN_EMAIL), role=Role.ADMINISTRATOR)
    return ADMIN_EMAIL, created, password


def ensure_demo_customer(credentials: dict) -> tuple[str, bool, str | None]:
    created, password = _ensure_user(
        CUSTOMER_EMAIL,
        superuser=False,
        credentials=credentials,
        first_name="Rosa",
        last_name="Quispe",
        phone="987654321",
        dni="43451826",
    )
    if created:
        user = get_user_model().objects.get(email=CUSTOMER_EMAIL)
        user_add_role(user=user, role=Role.CUSTOMER)
        address_create(
            user=user,
            label="Casa",
            recipient="Rosa Quispe",
            phone="987654321",
            street="Av. Arequipa 1234, dpto. 502",
            reference="Frente al parque Washington",
            district="Lince",
            province="Lima",
            department="15",
            postal_code="15046",
        )
    return CUSTOMER_EMAIL, created, password


def demo_seller_steps() -> list[tuple[str, object]]:
    """The marketplace sellers' sign-ins (their profiles, products and orders: ensure_demo_marketplace)."""
    from demo.backoffice import demo_seller_users

    def step(email, fields):
        def ensure(credentials: dict) -> tuple[str, bool, str | None]:
            return (email, *_ensure_user(email, superuser=False, credentials=credentials, **fields))

        return ensure

    return [(f"seller {number}", step(email, fields)) for number, (email, fields) in enumerate(demo_seller_users(), 1)]


def ensure_demo_catalog() -> None:
    from demo.catalog.loader import DEFAULT_PRODUCTS, DEFAULT_SEED, load_demo_catalog

    load_demo_catalog(products=DEFAULT_PRODUCTS, seed=DEFAULT_SEED, reset=False, progress=True)


def ensure_demo_inventory() -> None:
    from demo.inventory import load_demo_inventory

    load_demo_inventory(progress=True)


def ensure_demo_payment_methods() -> None:
    from demo.payments import load_demo_payment_methods

    load_demo_payment_methods()


def ensure_demo_shipping() -> None:
    from demo.shipping import load_demo_shipping

    load_demo_shipping()


def site_url() -> str:
    """Where `make run` serves the shop: HOST and PORT as the Makefile passes them to
    runserver (a wildcard host is reached through 127.0.0.1)."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    port = os.environ.get("PORT", "").strip() or "8000"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def ensure_demo_promotions() -> None:
    from demo.promotions import load_demo_promotions

    load_demo_promotions()


def ensure_demo_bundles() -> None:
    from demo.bundles import load_demo_bundles

    load_demo_bundles()


def ensure_demo_scheduled_price() -> None:
    from demo.bundles import load_demo_scheduled_price

    load_demo_scheduled_price()


def ensure_demo_orders() -> None:
    from demo.shipping import load_demo_orders

    load_demo_orders(customer_email=CUSTOMER_EMAIL)


def ensure_demo_despatch() -> None:
    from demo.despatch import load_demo_despatch

    load_demo_despatch()


def ensure_demo_marketplace() -> None:
    from demo.backoffice import load_demo_marketplace

    load_demo_marketplace(customer_email=CUSTOMER_EMAIL)


def ensure_demo_returns() -> None:
    from demo.returns import load_demo_returns

    load_demo_returns()


def ensure_demo_order_notes() -> None:
    from demo.timeline import load_demo_order_notes

    load_demo_order_notes()


def ensure_demo_reviews() -> None:
    from demo.reviews import ensure_demo_reviews as load

    load()


def ensure_demo_consumer_law() -> None:
    """The policy pages, the demo customer's consent, two sheets of the Libro de Reclamaciones."""
    from demo.complaints import load_demo_complaints, load_demo_policies

    load_demo_policies(customer_email=CUSTOMER_EMAIL)
    load_demo_complaints(customer_email=CUSTOMER_EMAIL)


def ensure_demo_privacy() -> None:
    from demo.privacy import load_demo_privacy

    load_demo_privacy(customer_email=CUSTOMER_EMAIL)


def ensure_demo_invoices() -> None:
    from demo.receipts import load_demo_invoices

    load_demo_invoices(customer_email=CUSTOMER_EMAIL)


def ensure_demo_quantity_offer_order() -> None:
    from demo.promotions import load_demo_gift_offer_order, load_demo_quantity_offer_order

    load_demo_quantity_offer_order(customer_email=CUSTOMER_EMAIL)
    load_demo_gift_offer_order(customer_email=CUSTOMER_EMAIL)


def ensure_demo_gift_cards() -> None:
    from demo.credit import load_demo_gift_cards

    load_demo_gift_cards(customer_email=CUSTOMER_EMAIL)


def ensure_demo_staff_order() -> str | None:
    from demo.staff_orders import load_demo_staff_order

    return load_demo_staff_order()


def ensure_demo_receipts() -> None:
    from demo.receipts import load_demo_receipts

    load_demo_receipts()


def ensure_demo_sunat() -> None:
    from demo.sunat import load_demo_sunat

    load_demo_sunat()


def ensure_demo_sunat_answers() -> None:
    from demo.sunat_answers import load_demo_sunat_answers

    load_demo_sunat_answers()


# Capability loaders, run in this order after the users; each is idempotent. Bundles are made
# of demo products in stock, so they follow the inventory. Demo orders are
# placed with the running discounts; returns and reviews read the delivered demo orders;
# the policies and complaint sheets (one about a demo order) come before the facturas;
# the facturas come after the returns' orders (they take the next products); ensure_demo_receipts
# stays last: it issues the receipts of the paid orders.
DEMO_STEPS = [
    ensure_demo_catalog,
    ensure_demo_inventory,
    ensure_demo_bundles,
    ensure_demo_shipping,
    ensure_demo_payment_methods,
    ensure_demo_promotions,
    ensure_demo_scheduled_price,
    ensure_demo_orders,
    ensure_demo_returns,
    ensure_demo_order_notes,
    ensure_demo_despatch,
    ensure_demo_reviews,
    ensure_demo_marketplace,
    ensure_demo_consumer_law,
    ensure_demo_privacy,
    ensure_demo_invoices,
    ensure_demo_quantity_offer_order,
    ensure_demo_gift_cards,
    ensure_demo_favourites,
    ensure_demo_alerts,
    ensure_demo_receipts,
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the administrator's login."

    def handle(self, *args, **options):
        from demo.backoffice import ensure_demo_sellers, ensure_demo_staff

        credentials = _load_credentials()
        steps = [("administrator", ensure_demo_admin), ("demo customer", ensure_demo_customer), *demo_seller_steps()]
        results = {}
        for name, step in tqdm(steps, desc="Demo data", unit="step", disable=options["verbosity"] < 1):
            with transaction.atomic():
                results[name] = step(credentials)
        # The demo's order, return and receipt e-mails are sent for real, into memory, and the
        # tasks run quietly: on the console of `make run` they would bury the login printed below.
        task_log = logging.getLogger("celery.app.trace")
        task_log_level = task_log.level
        task_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                for demo_step in DEMO_STEPS:
                    demo_step()
                team = ensure_demo_staff(credentials, _ensure_user) + ensure_demo_sellers(credentials, _ensure_user)
                # Taken by the demo support user, who exists from here on; its boleta is issued with it.
                if ensure_demo_staff_order() is not None:
                    ensure_demo_receipts()
                ensure_demo_sunat()  # after every receipt: the resumen of the demo's boletas
                ensure_demo_sunat_answers()  # then all of it to the simulated SUNAT, and its answers
        finally:
            task_log.setLevel(task_log_level)
        if any(created for _email, created, _password in results.values()) or any(row[2] for row in team):
            CREDENTIALS_FILE.write_text(json.dumps(credentials, indent=2))
            CREDENTIALS_FILE.chmod(0o600)

        for name, (email, created, password) in results.items():
            shown = password or _("(unchanged; set one with: python manage.py changepassword %(email)s)") % {
                "email": email
            }
            self.stdout.write(
                self.style.SUCCESS(
                    f"{_who(name):<22} {email}  {_('password')}: {shown}  [{_('created') if created else _('exists')}]"
                )
            )
        printed = {email for email, _created, _password in results.values()}
        for email, role, created, password in team:
            if email in printed:  # a marketplace seller's sign-in, printed above
                continue
            shown = password or _("(unchanged)")
            self.stdout.write(
                f"{_who(role):<28} {email}  {_('password')}: {shown}  [{_('created') if created else _('exists')}]"
            )
        base = site_url()
        self.stdout.write(f"{_('Shop:'):<13}{base}/")
        self.stdout.write(f"{_('Back office:'):<13}{base}/admin/")
        self._write_demo_coupons()

    def _write_demo_coupons(self) -> None:
        from demo.promotions import demo_coupon_codes

        for coupon in demo_coupon_codes():
            state = _("running") if coupon.is_live() else _("not running (try it to see why)")
            self.stdout.write(f"{_('Demo coupon'):<22} {coupon.code:<14} {coupon.name}  [{state}]")


# The printed names of the demo's sign-ins (step names and roles, which are identifiers).
WHO = {
    "administrator": gettext_lazy("Administrator"),
    "demo customer": gettext_lazy("Demo customer"),
    "seller": gettext_lazy("Seller"),
    "catalog manager": gettext_lazy("Catalog manager"),
    "warehouse operator": gettext_lazy("Warehouse operator"),
    "support": gettext_lazy("Support"),
}


def _who(name: str) -> str:
    """ "seller 2" → "Vendedor 2", "seller · Tejidos Vicús" → "Vendedor · Tejidos Vicús"."""
    for key, label in WHO.items():
        if name == key or name.startswith(key + " "):
            return f"{label}{name[len(key) :]}"
    return name[:1].upper() + name[1:]
