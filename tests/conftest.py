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
from tests import row_locks
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
from tests.harness import (
    IN_SQLITE_PASS,
    clear_cache,
    files_cached_as_in_production,
    flush_only_filled_tables,
    module_rows_build,
    module_shares,
    shareable,
    warm_site_settings,
)

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
row_locks.install()


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


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, its files served with production's caching headers
    (tests/harness.files_cached_as_in_production)."""
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    server.thread.static_handler = files_cached_as_in_production(server.thread.static_handler)
    server.start()
    yield server
    server.stop()


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


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    row_locks.forget()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test whose code (its fixtures' included) locked rows it only joined fails (tests/row_locks.py)."""
    result = yield
    if found := row_locks.found():
        raise AssertionError(
            "SELECT ... FOR UPDATE locked the rows of every table it joins; name those meant with of=:\n"
            + "\n".join(sorted(set(found)))
        )
    return result


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


@shareable
def user():
    return UserFactory()


@shareable
def other_user():
    return UserFactory()


@shareable
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


@shareable
def olva():
    return ShippingMethodFactory(name="Olva Courier — Lima", carrier=Carrier.OLVA, min_days=1, max_days=2)


@shareable
def pickup():
    return ShippingMethodFactory(
        name="Recojo en tienda",
        carrier=Carrier.PICKUP,
        min_days=1,
        max_days=1,
        pickup_address="Av. Larco 345, Miraflores",
        pickup_hours="Lunes a sábado de 10:00 a 20:00",
    )


@shareable
def two_warehouses():
    return WarehouseFactory(code="LIM-CENTRAL", priority=1), WarehouseFactory(code="ARE-SUR", priority=2)


@shareable
def split_order(two_warehouses, olva):
    """Paid: 2 units of a variant from LIM-CENTRAL, 1 of another from ARE-SUR."""
    lima, arequipa = two_warehouses
    first, second = stocked_variant(lima, sku="POLO-M"), stocked_variant(arequipa, sku="CASACA-L", price="129.00")
    return paid_order(lines=[line_for(first, quantity=2), line_for(second, quantity=1)], method=olva)


@shareable
def operator():
    roles_sync()
    user = UserFactory(is_staff=True)
    user_add_role(user=user, role=Role.WAREHOUSE_OPERATOR)
    return user


@pytest.fixture
def signed_in_operator(client, operator):
    """The test client signed in as the warehouse operator (modules use it with usefixtures)."""
    client.force_login(operator)
    return operator


@shareable
def sellers():
    roles_sync()
    admin = UserFactory(is_staff=True, is_superuser=True)
    own = SellerFactory(ruc="20100070970")
    other = SellerFactory(ruc="10467793549")
    account_services.seller_approve(seller=own, actor=admin)
    account_services.seller_approve(seller=other, actor=admin)
    own.user.refresh_from_db()
    other.user.refresh_from_db()
    return own, other


@shareable
def warehouse():
    return WarehouseFactory(code="LIM-CENTRAL", priority=1)


@shareable
def customer():
    return UserFactory(email="rosa@example.pe", first_name="Rosa", last_name="Quispe")


@shareable
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def shopper(customer):
    """A browser signed in as the customer."""
    from django.test import Client

    client = Client()
    client.force_login(customer)
    return client


@shareable
def card():
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


@shareable
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


@shareable
def delivered_order(warehouse, olva, customer):
    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = paid_order(
        lines=[line_for(polo, quantity=2), line_for(casaca)], method=olva, customer=customer, email=customer.email
    )
    return deliver(order)


@shareable
def variant():
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("199.90")))
    stock(variant, WarehouseFactory(), 50)
    return variant


def _module_rolls_back(module) -> bool:
    return not any(_django_group(item) == 1 for item in module.session.items if item.getparent(pytest.Module) is module)


@pytest.fixture(scope="module", autouse=True)
def _module_rows(request, django_db_blocker):
    """What a module's tests share, built once in the module's own transaction (what Django's
    setUpTestData is to a class): its shop (`pytest.mark.shop(kind)`), its `shared_by_module`
    fixtures and the conftest's `shareable` ones it names with `pytest.mark.shared_rows(...)`
    (tests/harness.py). Each test's transaction (pytest-django's) nests in the module's as a
    savepoint and rolls back to these rows, each test gets its own copy of the objects, and the
    module's end rolls the rows back. Built before the module's first test and there for all of them,
    asked for or not: which tests a worker runs, in which order, must not change what a test finds.
    Higher-scoped fixtures are set up first, so this transaction is open before any test's.

    Only where every test of the module rolls back: a transactional test (a race, a browser journey)
    commits, and its flush would empty the rows. There each test that asks for `shop` builds its own,
    and a shared fixture is refused."""
    marker = request.node.get_closest_marker("shop")
    asked = request.node.get_closest_marker("shared_rows")
    shared = module_shares(request.module, asked.args if asked else ())
    if marker is None and not shared:
        yield {}
        return
    if not _module_rolls_back(request.node):
        if shared:
            pytest.fail(
                f"{request.node.nodeid} shares rows between its tests: its transactional tests go in a module of their own"
            )
        yield {}
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
    try:
        with django_db_blocker.unblock():
            rows = {"shop": (marker.args, build_shop(*marker.args))} if marker else {}
            rows.update(module_rows_build(request.module, shared))
        yield rows
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def shop(request, db, _module_rows):
    """The shop its test module names with `pytest.mark.shop(kind)`, built by factories.build_shop:
    one fixture name, one meaning (the builders live together in tests/factories.py). Each test gets
    its own copy of the module's objects (a test that changes one in memory leaves the next its own)."""
    marker = request.node.get_closest_marker("shop")
    assert marker is not None, "mark the module with pytest.mark.shop(kind), kind one of factories.SHOPS"
    if "shop" in _module_rows and _module_rows["shop"][0] == marker.args:
        return copy.deepcopy(_module_rows["shop"][1])
    return build_shop(*marker.args, fixture=request.getfixturevalue)
