from decimal import Decimal

import pytest

from orders.services import ANONYMOUS_RECEIPT_LIMIT, OrderLineData, order_create
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

SHIPPING_ADDRESS = {
    "recipient": "Ana Torres",
    "phone": "987654321",
    "street": "Jr. Junín 123",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
    "department_name": "Lima",
    "postal_code": "15074",
    "ubigeo": "150122",
}

BUYER_DNI = "45678912"


def line_for(variant, *, quantity: int = 1, unit_price: Decimal | None = None, discount=Decimal("0")) -> OrderLineData:
    return OrderLineData.from_variant(variant, quantity=quantity, unit_price=unit_price, discount=discount)


def make_order(*, customer=None, email=None, lines=None, variant=None, idempotency_key=None, **extra):
    if lines is None:
        variant = variant or VariantFactory(product=ProductFactory(base_price=Decimal("199.90")))
        lines = [line_for(variant, quantity=2)]
    shipping_total = extra.pop("shipping_total", Decimal("15.00"))
    total = sum((Decimal(line.unit_price) * line.quantity - Decimal(line.discount) for line in lines), shipping_total)
    if total > ANONYMOUS_RECEIPT_LIMIT:
        extra.setdefault("customer_document", BUYER_DNI)  # SUNAT: a boleta above S/ 700 names its buyer
    return order_create(
        customer=customer,
        email=email or (customer.email if customer else "invitado@example.pe"),
        lines=lines,
        shipping_address=SHIPPING_ADDRESS,
        billing_address=SHIPPING_ADDRESS,
        shipping_method_id=extra.pop("shipping_method_id", None),
        shipping_method_name="Olva Courier",
        shipping_total=shipping_total,
        idempotency_key=idempotency_key,
        **extra,
    )


@pytest.fixture
def variant(db):
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("199.90")))
    stock(variant, WarehouseFactory(), 50)
    return variant


def ship_everything(order, *, actor=None, deliver: bool = False):
    """Ship every leg of a paid order (Olva, valid tracking numbers); deliver them too if asked."""
    from shipping import services as shipping_services

    for index, shipment in enumerate(order.shipments.order_by("pk")):
        shipping_services.shipment_ship(shipment=shipment, actor=actor, carrier="olva", tracking_number=f"4006{index:04d}")
        if deliver:
            shipping_services.shipment_deliver(shipment=shipment, actor=actor)
    order.refresh_from_db()
    return order


@pytest.fixture
def order(user, variant):
    return make_order(customer=user, variant=variant)
