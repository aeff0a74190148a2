from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product, Variant
from inventory import selectors, services
from inventory.exceptions import InventoryError
from inventory.models import Reservation, StockLevel, Supplier
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


def test_availability_by_variant_is_one_query_whatever_the_number_of_ids(django_assert_num_queries):
    levels = [stock(quantity=n + 1) for n in range(3)]
    with django_assert_num_queries(1):
        one = selectors.availability_by_variant([levels[0].variant_id])
    many_ids = [lv.variant_id for lv in levels] + [VariantFactory().pk for _ in range(20)]
    with django_assert_num_queries(1):
        many = selectors.availability_by_variant(many_ids)
    assert one == {levels[0].variant_id: 1}
    assert [many[lv.variant_id] for lv in levels] == [1, 2, 3] and many[many_ids[-1]] == 0
    assert selectors.availability_by_variant([]) == {}


def test_availability_by_variant_is_compiled_once_and_judged_at_each_call_s_moment(monkeypatch):
    """Building its query (a correlated subquery of the holds) cost about 1 ms of Python a call, twenty
    times what the database takes: the cart, the checkout's review and every stock figure read it."""
    from django.db.models.sql.compiler import SQLCompiler

    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    services.stock_reserve(lines=[(variant, 2)], cart_key="hold")
    expires_at = Reservation.objects.get().expires_at
    other = VariantFactory()
    selectors.availability_by_variant([variant.pk])  # this process' first run compiles it
    compiled = []
    original = SQLCompiler.get_select
    monkeypatch.setattr(SQLCompiler, "get_select", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))

    assert selectors.availability_by_variant([variant.pk, other.pk]) == {variant.pk: 3, other.pk: 0}
    assert selectors.availability_by_variant([variant.pk], now=expires_at - timedelta(seconds=1)) == {variant.pk: 3}
    lapsed = expires_at + timedelta(seconds=1)
    assert selectors.availability_by_variant([variant.pk], now=lapsed) == {variant.pk: 5}
    assert compiled == []


def test_availability_counts_active_unexpired_holds_and_active_warehouses_only():
    variant = VariantFactory()
    main = stock(variant, WarehouseFactory(), 5)
    stock(variant, WarehouseFactory(is_active=False), 100)
    services.stock_reserve(lines=[(variant, 2)], cart_key="live")
    services.stock_reserve(lines=[(variant, 1)], cart_key="stale")
    Reservation.objects.filter(cart_key="stale").update(expires_at=timezone.now() - timedelta(seconds=1))

    assert selectors.availability_by_variant([variant.pk]) == {variant.pk: 3}
    level = StockLevel.objects.get(pk=main.pk)
    assert (level.reserved, level.available, level.is_out_of_stock, level.can_fulfil(3), level.can_fulfil(4)) == (
        2,
        3,
        False,
        True,
        False,
    )
    annotated = selectors.stock_levels().get(pk=main.pk)
    assert (annotated.reserved_units, annotated.available_units) == (2, 3)


def test_in_stock_filters_for_listings():
    in_stock = stock(quantity=2)
    sold_out = stock(quantity=1)
    services.stock_reserve(lines=[(sold_out.variant, 1)], cart_key="c")
    inactive = stock(quantity=5)
    Variant.objects.filter(pk=inactive.variant_id).update(is_active=False)
    nothing = ProductFactory()

    products = set(Product.objects.filter(selectors.product_in_stock()).values_list("pk", flat=True))
    variants = set(Variant.objects.filter(selectors.variant_in_stock()).values_list("pk", flat=True))
    by_subquery = set(
        Variant.objects.filter(pk__in=selectors.in_stock_variant_ids_subquery()).values_list("pk", flat=True)
    )

    assert products == {in_stock.variant.product_id}
    assert nothing.pk not in products
    assert variants == by_subquery == {in_stock.variant_id, inactive.variant_id}


def test_low_stock_levels():
    low = stock(quantity=2, minimum=2)
    stock(quantity=9, minimum=2)
    assert list(selectors.low_stock_levels().values_list("pk", flat=True)) == [low.pk]


def test_constraints_hold_in_the_database():
    level = stock(quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(minimum=10, maximum=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(variant=level.variant, warehouse=level.warehouse)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(stock_level=level, quantity=0, cart_key="c", expires_at=timezone.now())


def test_supplier_ruc_is_validated_and_unique():
    supplier = services.supplier_create(name="Textiles Andinos S.A.", ruc="20551234984")
    assert Supplier.objects.get().pk == supplier.pk
    with pytest.raises(InventoryError, match="RUC"):
        services.supplier_create(name="Otro", ruc="20551234985")
    with pytest.raises(InventoryError):
        services.supplier_create(name="Repetido", ruc="20551234984")
    with pytest.raises(ValidationError):
        Supplier(name="X", ruc="123").full_clean()
    assert Supplier.objects.count() == 1


def test_stock_level_edits_keep_history_with_the_user(client):
    from tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    level = stock(quantity=3)
    response = client.post(
        f"/admin/inventory/stocklevel/{level.pk}/change/", {"minimum": "4", "maximum": "40", "bin_location": "R1-2"}
    )
    assert response.status_code == 302
    latest = level.history.latest()
    assert (latest.minimum, latest.bin_location, latest.history_user) == (4, "R1-2", admin_user)


def test_expiry_task_and_beat_schedule(settings):
    from config.celery import app
    from inventory.tasks import expire_reservations

    level = stock(quantity=2)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_reservations.delay().get(timeout=5) == 1
    entry = settings.CELERY_BEAT_SCHEDULE["inventory.expire_reservations"]
    assert entry["task"] == "inventory.expire_reservations" and entry["schedule"] == 60.0
    assert "inventory.expire_reservations" in app.tasks and "inventory.notify_low_stock" in app.tasks
