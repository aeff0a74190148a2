import copy
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from accounts.services import user_add_role
from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
from shipping.models import Carrier
from tests.db_template import copy_each_worker_s_database_from_one_template, drop_the_template
from tests.factories import (
    AddressFactory,
    ProductFactory,
    SellerFactory,
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    build_shop,
    deliver,
    line_for,
    make_order,
    paid_order,
    stock,
    stocked_variant,
)
from tests.harness import IN_SQLITE_PASS, clear_cache, flush_only_filled_tables, warm_site_settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The only tests allowed to skip in CI: those that need a real MongoDB server, and those that run
# SUNAT's own validation stylesheets, which this repository may not carry (tests/receipts/sunat_xsl.py).
SKIP_ALLOWED_MARKERS = {"mongo", "sunat_xsl"}

# `make test` runs the shopper-facing tests a second time on SQLite (the embedded default); there
# the PostgreSQL-only checks skip, as they ran in the first pass.

_forbidden_skips: list[str] = []

# Same algorithm and hash format, the cheapest cost: see tests/hashers.py.
settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]
flush_only_filled_tables()


def _skip_reason(report) -> str:
    return report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """pytest-django's hook before the test databases are made: under pytest-xdist on PostgreSQL,
    each worker's is a copy of one migrated template (tests/db_template.py)."""
    copied = copy_each_worker_s_database_from_one_template()
    yield
    if copied:
        with django_db_blocker.unblock():
            drop_the_template()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached fragments must not leak from one test into the next."""
    clear_cache()
    warm_site_settings()
    yield


@pytest.fixture(autouse=True)
def _render_path(request, settings):
    """Query ceilings measure the render path: the whole-page cache (storefront.page_cache) would
    answer a repeated request with no query at all. Its own tests and the browser journeys keep it."""
    if not request.node.get_closest_marker("page_cache") and not request.node.get_closest_marker("e2e"):
        settings.STOREFRONT_PAGE_CACHE = False


# The longest tests first, in this order, the browser journeys among them (tests/e2e), within each of
# pytest-django's groups (tests on the database in a transaction rolled back, then transactional
# tests, whose flush empties what the migrations wrote, then tests without the database): pytest-xdist
# hands each worker a few tests at a time from the head of the list (--maxschedchunk in pyproject),
# so the long tests are spread over the workers from the start and the quick ones even out the end,
# instead of one worker finishing a long journey alone. A module's tests stay together, in order.
SLOW_FIRST = (
    "tests/demo/test_receipts.py",
    "tests/e2e/test_lighthouse.py",
    "tests/core/test_backups.py",
    "tests/e2e/",
    "tests/core/test_worker_faults.py",
    "tests/inventory/test_commands.py",
    "tests/demo/",
    "tests/storefront/test_html_validity.py",
    "tests/core/test_static_files.py",
    "tests/receipts/",
    "tests/sunat/test_send_crash.py",
    "tests/despatch/test_send_crash.py",
    "tests/monitoring/test_served.py",
    "tests/monitoring/test_worker_metrics.py",
)


def _django_group(item) -> int:
    """pytest-django's order (its plugin sorts by it first): 0 rolled back, 1 transactional, 2 no database."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and any(validate_django_db(marker)[:2])
    fixtures = set(getattr(item, "fixturenames", ()))
    if transactional or fixtures & {"transactional_db", "live_server"}:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    def slowness(item) -> int:
        path = item.nodeid.split("::")[0]
        return next((i for i, slow in enumerate(SLOW_FIRST) if path.startswith(slow)), len(SLOW_FIRST))

    items.sort(key=lambda item: (_django_group(item), slowness(item)))


def pytest_runtest_logreport(report):
    if not report.skipped or SKIP_ALLOWED_MARKERS.intersection(report.keywords):
        return
    if IN_SQLITE_PASS and "PostgreSQL" in _skip_reason(report):
        return
    _forbidden_skips.append(f"{report.nodeid}: {_skip_reason(report)}")


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _forbidden_skips:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("")
            reporter.write_line("CI forbids skipped tests (only tests that need a real MongoDB may skip):", red=True)
            for line in _forbidden_skips:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = 1


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def address(user):
    return AddressFactory(user=user)


@pytest.fixture(autouse=True)
def _services_answer_again():
    """A test that stopped Redis or the broker must not leave the next one skipping them."""
    from core.resilience import broker_outage, redis_outage

    yield
    redis_outage.reset()
    broker_outage.reset()


# Fixtures the tests of several apps use (a paid order needs a carrier, a customer, a warehouse...).


@pytest.fixture
def olva(db):
    return ShippingMethodFactory(name="Olva Courier — Lima", carrier=Carrier.OLVA, min_days=1, max_days=2)


@pytest.fixture
def pickup(db):
    return ShippingMethodFactory(
        name="Recojo en tienda",
        carrier=Carrier.PICKUP,
        min_days=1,
        max_days=1,
        pickup_address="Av. Larco 345, Miraflores",
        pickup_hours="Lunes a sábado de 10:00 a 20:00",
    )


@pytest.fixture
def two_warehouses(db):
    return WarehouseFactory(code="LIM-CENTRAL", priority=1), WarehouseFactory(code="ARE-SUR", priority=2)


@pytest.fixture
def split_order(two_warehouses, olva):
    """Paid: 2 units of a variant from LIM-CENTRAL, 1 of another from ARE-SUR."""
    lima, arequipa = two_warehouses
    first, second = stocked_variant(lima, sku="POLO-M"), stocked_variant(arequipa, sku="CASACA-L", price="129.00")
    return paid_order(lines=[line_for(first, quantity=2), line_for(second, quantity=1)], method=olva)


@pytest.fixture
def operator(db):
    roles_sync()
    user = UserFactory(is_staff=True)
    user_add_role(user=user, role=Role.WAREHOUSE_OPERATOR)
    return user


@pytest.fixture
def signed_in_operator(client, operator):
    """The test client signed in as the warehouse operator (modules use it with usefixtures)."""
    client.force_login(operator)
    return operator


@pytest.fixture
def sellers(db):
    roles_sync()
    admin = UserFactory(is_staff=True, is_superuser=True)
    own = SellerFactory(ruc="20100070970")
    other = SellerFactory(ruc="10467793549")
    account_services.seller_approve(seller=own, actor=admin)
    account_services.seller_approve(seller=other, actor=admin)
    own.user.refresh_from_db()
    other.user.refresh_from_db()
    return own, other


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="LIM-CENTRAL", priority=1)


@pytest.fixture
def customer(db):
    return UserFactory(email="rosa@example.pe", first_name="Rosa", last_name="Quispe")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def shopper(customer):
    """A browser signed in as the customer."""
    from django.test import Client

    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture
def card(db):
    """A S/ 100 gift card, issued by staff to Rosa."""
    from credit.services.gift_cards import gift_card_issue

    return gift_card_issue(
        actor=UserFactory(is_staff=True),
        amount="100",
        recipient_name="Rosa",
        recipient_email="rosa@example.pe",
        sender_name="Lucía",
        reason="Prueba",
    )


@pytest.fixture
def gateway_order(warehouse, olva, customer):
    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = make_order(
        lines=[line_for(polo, quantity=2), line_for(casaca)],
        customer=customer,
        shipping_method_id=olva.pk,
        discount_total=Decimal("10.00"),
    )
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    payment_test_gateway_pay(payment=payment)
    order.refresh_from_db()
    return deliver(order)


@pytest.fixture
def delivered_order(warehouse, olva, customer):
    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = paid_order(
        lines=[line_for(polo, quantity=2), line_for(casaca)], method=olva, customer=customer, email=customer.email
    )
    return deliver(order)


@pytest.fixture
def variant(db):
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("199.90")))
    stock(variant, WarehouseFactory(), 50)
    return variant


class ModuleTransaction:
    """A test module's own transaction, for what its tests share (what Django's setUpTestData is to a
    class): each test's transaction (pytest-django's) nests in it as a savepoint and rolls back to
    what the module built, and the module's end rolls everything back. Only a module whose tests all
    roll back may have one: a transactional test (a race, a browser journey) commits, and its flush
    would empty what the module built."""

    def __init__(self, django_db_blocker):
        self._blocker = django_db_blocker
        with self._blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()

    def build(self, builder, *args):
        with self._blocker.unblock():
            return builder(*args)

    def close(self) -> None:
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)


def _module_rolls_back(request) -> bool:
    return not any(
        _django_group(item) == 1 for item in request.session.items if item.getparent(pytest.Module) is request.node
    )


@pytest.fixture(scope="module")
def module_transaction(request, django_db_setup, django_db_blocker):
    """The module's transaction (ModuleTransaction). A module-scoped fixture that builds rows asks for
    it, and its function-scoped twin hands each test a copy (`copy.deepcopy`): a test that changes an
    object in memory leaves the next test its own. Higher-scoped fixtures are set up first, so this
    transaction is open before any test's."""
    if not _module_rolls_back(request):
        pytest.fail(
            f"{request.node.nodeid} shares rows between its tests and has a transactional test: move that one to a module of its own"
        )
    opened = ModuleTransaction(django_db_blocker)
    yield opened
    opened.close()


@pytest.fixture(scope="module", autouse=True)
def _module_shop(request):
    """The shop of a module marked `pytest.mark.shop(kind)`, built once in its transaction before its
    first test and there for every test of it, whether it asks for `shop` or not (which tests a
    worker runs, and in which order, must not change what a test finds). None where a test of the
    module commits (a race, a browser journey): there each test that asks builds its own."""
    marker = request.node.get_closest_marker("shop")
    if marker is None or not _module_rolls_back(request):
        return None
    module = request.getfixturevalue("module_transaction")
    return marker.args, module.build(build_shop, *marker.args)


@pytest.fixture
def shop(request, db, _module_shop):
    """The shop its test module names with `pytest.mark.shop(kind)`, built by factories.build_shop:
    one fixture name, one meaning (the builders live together in tests/factories.py). Each test gets
    its own copy of the module's objects (a test that changes one in memory leaves the next its own)."""
    marker = request.node.get_closest_marker("shop")
    assert marker is not None, "mark the module with pytest.mark.shop(kind), kind one of factories.SHOPS"
    if _module_shop is not None and _module_shop[0] == marker.args:
        return copy.deepcopy(_module_shop[1])
    return build_shop(*marker.args, fixture=request.getfixturevalue)
