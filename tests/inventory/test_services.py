from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_add_role
from catalog.models import Product
from inventory import selectors, services
from inventory.exceptions import (
    InactiveVariant,
    InsufficientStock,
    InvalidQuantity,
    LedgerIsAppendOnly,
    OverReceipt,
    PurchaseLimitExceeded,
    PurchaseOrderStateError,
    ReasonRequired,
    ReservationNotHeld,
    SameWarehouse,
)
from inventory.models import Movement, PurchaseOrder, Reservation, StockLevel
from tests.factories import (
    ProductFactory,
    SupplierFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    stock,
)

pytestmark = pytest.mark.django_db


def counts():
    return (Movement.objects.count(), Reservation.objects.count(), list(StockLevel.objects.values_list("on_hand")))


def ledger_sum(level) -> int:
    return sum(level.movements.values_list("quantity", flat=True))


# --- on-hand changes -----------------------------------------------------------------------


def test_receive_creates_level_and_movement():
    variant, warehouse = VariantFactory(), WarehouseFactory()
    movement = services.stock_receive(variant=variant, warehouse=warehouse, quantity=7)
    level = StockLevel.objects.get(variant=variant, warehouse=warehouse)
    assert movement.kind == Movement.Kind.RECEIPT and movement.quantity == 7
    assert level.on_hand == 7 == ledger_sum(level)


@pytest.mark.parametrize("quantity", [0, -3, 1.5, "2", None, True])
def test_bad_quantities_write_nothing(quantity):
    level = stock(quantity=5)
    before = counts()
    for call in (
        lambda: services.stock_receive(variant=level.variant, warehouse=level.warehouse, quantity=quantity),
        lambda: services.stock_write_off(
            variant=level.variant, warehouse=level.warehouse, quantity=quantity, reason="roto"
        ),
        lambda: services.stock_reserve(lines=[(level.variant, quantity)], cart_key="c"),
        lambda: services.stock_transfer(
            variant=level.variant, source=level.warehouse, destination=WarehouseFactory(), quantity=quantity
        ),
    ):
        with pytest.raises(InvalidQuantity):
            call()
    assert counts() == before


def test_adjust_needs_a_reason_and_never_goes_below_zero():
    level = stock(quantity=3)
    before = counts()
    with pytest.raises(ReasonRequired):
        services.stock_adjust(variant=level.variant, warehouse=level.warehouse, quantity=-1, reason="  ")
    with pytest.raises(InsufficientStock):
        services.stock_adjust(variant=level.variant, warehouse=level.warehouse, quantity=-4, reason="conteo")
    with pytest.raises(InvalidQuantity):
        services.stock_adjust(variant=level.variant, warehouse=level.warehouse, quantity=0, reason="conteo")
    assert counts() == before
    user = UserFactory()
    movement = services.stock_adjust(
        variant=level.variant, warehouse=level.warehouse, quantity=-2, reason="Conteo cíclico", actor=user
    )
    level.refresh_from_db()
    assert level.on_hand == 1 == ledger_sum(level)
    assert movement.actor == user and movement.reason == "Conteo cíclico"


def test_write_off_cannot_take_reserved_units():
    level = stock(quantity=5)
    services.stock_reserve(lines=[(level.variant, 4)], cart_key="c1")
    with pytest.raises(InsufficientStock):
        services.stock_write_off(variant=level.variant, warehouse=level.warehouse, quantity=2, reason="dañado")
    services.stock_write_off(variant=level.variant, warehouse=level.warehouse, quantity=1, reason="dañado")
    level.refresh_from_db()
    assert level.on_hand == 4 and level.available == 0


def test_transfer_moves_units_and_refuses_same_warehouse():
    level = stock(quantity=10)
    other = WarehouseFactory()
    before = counts()
    with pytest.raises(SameWarehouse):
        services.stock_transfer(variant=level.variant, source=level.warehouse, destination=level.warehouse, quantity=1)
    with pytest.raises(InsufficientStock):
        services.stock_transfer(variant=level.variant, source=level.warehouse, destination=other, quantity=11)
    assert counts() == before
    out, into = services.stock_transfer(
        variant=level.variant, source=level.warehouse, destination=other, quantity=4, reason="reposición"
    )
    assert out.transfer_key == into.transfer_key and (out.quantity, into.quantity) == (-4, 4)
    levels = {lv.warehouse_id: lv.on_hand for lv in StockLevel.objects.filter(variant=level.variant)}
    assert levels == {level.warehouse_id: 6, other.pk: 4}


def test_check_constraint_keeps_on_hand_not_negative():
    level = stock(quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(on_hand=-1)


def test_movements_are_append_only():
    level = stock(quantity=2)
    movement = level.movements.get()
    with pytest.raises(LedgerIsAppendOnly):
        movement.delete()
    with pytest.raises(LedgerIsAppendOnly):
        Movement.objects.all().delete()
    with pytest.raises(LedgerIsAppendOnly):
        Movement.objects.update(quantity=5)
    movement.quantity = 9
    with pytest.raises(LedgerIsAppendOnly):
        movement.save()
    assert Movement.objects.get().quantity == 2


# --- reservations --------------------------------------------------------------------------


def test_reserve_splits_across_warehouses_by_priority(reserve_path):
    variant = VariantFactory()
    first = stock(variant, WarehouseFactory(priority=1), 3)
    second = stock(variant, WarehouseFactory(priority=2), 5)
    stock(variant, WarehouseFactory(priority=0, is_active=False), 50)

    made = services.stock_reserve(lines=[(variant, 6)], cart_key="cart-1")

    assert sorted((r.stock_level_id, r.quantity) for r in made) == sorted([(first.pk, 3), (second.pk, 3)])
    assert selectors.availability_by_variant([variant.pk]) == {variant.pk: 2}


def test_reserve_is_all_or_nothing(reserve_path):
    a, b = stock(quantity=5), stock(quantity=1)
    with pytest.raises(InsufficientStock) as error:
        services.stock_reserve(lines=[(a.variant, 2), (b.variant, 2)], cart_key="c")
    assert "1" in str(error.value) and b.variant.sku in str(error.value)
    assert Reservation.objects.count() == 0


def test_reservation_for_inactive_variant_or_product_is_refused(reserve_path):
    level = stock(quantity=5)
    level.variant.is_active = False
    level.variant.save()
    draft = stock(VariantFactory(product=ProductFactory(status=Product.Status.DRAFT)), quantity=5)
    with pytest.raises(InactiveVariant):
        services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")
    with pytest.raises(InactiveVariant):
        services.stock_reserve(lines=[(draft.variant, 1)], cart_key="c")
    assert Reservation.objects.count() == 0


def test_expired_reservations_never_block_even_before_the_task_runs(reserve_path):
    level = stock(quantity=2)
    services.stock_reserve(lines=[(level.variant, 2)], cart_key="old")
    with pytest.raises(InsufficientStock):
        services.stock_reserve(lines=[(level.variant, 1)], cart_key="new")
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    services.stock_reserve(lines=[(level.variant, 2)], cart_key="new")

    assert Reservation.objects.filter(status=Reservation.Status.ACTIVE).count() == 2  # the old one not yet released


def test_renew_release_convert_flow(reserve_path):
    level = stock(quantity=5)
    services.stock_reserve(lines=[(level.variant, 2)], cart_key="cart-9", minutes=1)
    renewed = services.reservation_renew(cart_key="cart-9", minutes=30, attach_order_id=77)
    assert renewed[0].order_id == 77 and renewed[0].expires_at > timezone.now() + timedelta(minutes=29)

    movements = services.reservation_convert(order_id=77)

    level.refresh_from_db()
    assert [m.quantity for m in movements] == [-2] and movements[0].reference_id == 77
    assert level.on_hand == 3 == ledger_sum(level) and level.available == 3
    assert Reservation.objects.get().status == Reservation.Status.CONVERTED
    assert services.reservation_convert(order_id=77) == []  # a replayed payment webhook
    with pytest.raises(ReservationNotHeld):
        services.reservation_renew(order_id=77)


def test_release_gives_units_back():
    level = stock(quantity=1)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="a")
    assert services.reservation_release(cart_key="a") == 1
    assert services.reservation_release(cart_key="a") == 0
    assert selectors.variant_available(level.variant.pk) == 1


def test_an_expired_hold_converts_only_if_units_are_still_free():
    level = stock(quantity=1)
    services.stock_reserve(lines=[(level.variant, 1)], order_id=1)
    Reservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="someone-else")
    with pytest.raises(InsufficientStock):
        services.reservation_convert(order_id=1)
    services.reservation_release(cart_key="someone-else")
    assert len(services.reservation_convert(order_id=1)) == 1


def test_expire_releases_only_expired_rows():
    level = stock(quantity=10)
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="live")
    services.stock_reserve(lines=[(level.variant, 1)], cart_key="stale")
    Reservation.objects.filter(cart_key="stale").update(expires_at=timezone.now() - timedelta(seconds=5))
    assert services.reservations_expire() == 1
    assert dict(Reservation.objects.values_list("cart_key", "status")) == {"live": "active", "stale": "released"}


def test_expire_is_set_based(django_assert_max_num_queries):
    level = stock(quantity=5000)
    past = timezone.now() - timedelta(minutes=1)
    Reservation.objects.bulk_create([Reservation(stock_level=level, quantity=1, cart_key="x", expires_at=past)])
    with django_assert_max_num_queries(3) as one:
        assert services.reservations_expire() == 1
    Reservation.objects.bulk_create(
        Reservation(stock_level=level, quantity=1, cart_key=f"x{n}", expires_at=past) for n in range(1000)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert services.reservations_expire() == 1000


def test_on_postgresql_a_reservation_is_one_statement(django_assert_num_queries):
    from django.db import connection

    variant = stock(quantity=3).variant
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement form is PostgreSQL's")
    with django_assert_num_queries(1):
        services.stock_reserve(lines=[(variant, 2)], cart_key="c", may_hold_bundles=False)
    # Not told that no line is a bundle, it first looks up bundle components: one more.
    with django_assert_num_queries(2):
        services.stock_reserve(lines=[(variant, 1)], cart_key="d")


# --- per-customer limit --------------------------------------------------------------------


def test_purchase_limit_counts_reserved_and_bought(settings, reserve_path):
    settings.MAX_UNITS_PER_CUSTOMER = 5
    customer = UserFactory()
    product = ProductFactory()
    red, blue = VariantFactory(product=product), VariantFactory(product=product)
    stock(red, quantity=20)
    stock(blue, quantity=20)
    services.stock_reserve(lines=[(red, 2)], order_id=5, customer=customer)
    services.reservation_convert(order_id=5)
    services.stock_reserve(lines=[(blue, 2)], cart_key="c", customer=customer)
    with pytest.raises(PurchaseLimitExceeded) as error:
        services.stock_reserve(lines=[(red, 2)], cart_key="c", customer=customer)
    assert "5" in str(error.value)
    services.stock_reserve(lines=[(red, 1)], cart_key="c", customer=customer)
    services.stock_reserve(lines=[(red, 4)], cart_key="anon")  # no customer: no limit


def test_purchase_limit_per_product_override(reserve_path):
    customer = UserFactory()
    level = stock(VariantFactory(product=ProductFactory(max_per_customer=1)), quantity=5)
    with pytest.raises(PurchaseLimitExceeded):
        services.stock_reserve(lines=[(level.variant, 2)], cart_key="c", customer=customer)


# --- purchase orders -------------------------------------------------------------------------


def test_purchase_order_totals_numbering_and_partial_receipt():
    supplier, warehouse = SupplierFactory(), WarehouseFactory()
    a, b = VariantFactory(), VariantFactory()
    order = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, lines=[(a, 10, Decimal("12.345")), (b, 3, "100")]
    )
    year = timezone.localdate().year
    assert order.number == f"OC-{year}-001" and order.status == PurchaseOrder.Status.DRAFT
    assert (order.subtotal, order.igv, order.total) == (Decimal("423.50"), Decimal("76.23"), Decimal("499.73"))
    second = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=[(a, 1, 1)])
    assert second.number == f"OC-{year}-002"

    line_a, line_b = order.lines.order_by("pk")
    with pytest.raises(PurchaseOrderStateError):
        services.purchase_order_receive(purchase_order=order, quantities={line_a.pk: 1})
    services.purchase_order_place(purchase_order=order)
    before = counts()
    with pytest.raises(OverReceipt):
        services.purchase_order_receive(purchase_order=order, quantities={line_a.pk: 4, line_b.pk: 4})
    assert counts() == before

    services.purchase_order_receive(purchase_order=order, quantities={line_a.pk: 4})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIALLY_RECEIVED
    services.purchase_order_receive(
        purchase_order=order, quantities={line_a.pk: 6, line_b.pk: 4}, allow_over_receipt=True
    )
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED
    assert StockLevel.objects.get(variant=b, warehouse=warehouse).on_hand == 4
    assert order.movements.count() == 3
    with pytest.raises(PurchaseOrderStateError):
        services.purchase_order_cancel(purchase_order=order)


# --- low-stock e-mail ------------------------------------------------------------------------


def test_low_stock_mail_when_availability_falls_to_the_minimum(django_capture_on_commit_callbacks, reserve_path):
    operator = UserFactory(email="almacen@kallpa.pe")
    user_add_role(user=operator, role=Role.WAREHOUSE_OPERATOR)
    level = stock(quantity=6, minimum=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(lines=[(level.variant, 2)], cart_key="a")  # 4 left: above
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(lines=[(level.variant, 1)], cart_key="b")  # 3 left: at the minimum
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["almacen@kallpa.pe"] and level.variant.sku in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(lines=[(level.variant, 1)], cart_key="c")  # already below: no new mail
    assert len(mail.outbox) == 1
