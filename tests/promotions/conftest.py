from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from payments.services import payment_method_ensure_dummy
from promotions.models import AutomaticDiscount, Coupon, Scope
from promotions.services import coupon_create, discount_create
from demo.shipping import load_demo_shipping
from shipping.models import ShippingMethod
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")
D = Decimal

LIMA = {"recipient": "Rosa Quispe", "phone": "987654321", "street": "Av. Arequipa 1234", "reference": "",
        "department": "15", "province": "1501", "district": "150122", "postal_code": "15074"}


def percent_off(value, **fields) -> AutomaticDiscount:
    return discount_create(name=fields.pop("name", f"{value} %"), kind=AutomaticDiscount.Kind.PERCENTAGE,
                           value=D(value), **fields)


def amount_off(value, **fields) -> AutomaticDiscount:
    return discount_create(name=fields.pop("name", f"S/ {value}"), kind=AutomaticDiscount.Kind.FIXED,
                           value=D(value), **fields)


def coupon(code="PROMO10", kind=Coupon.Kind.PERCENTAGE, value="10", **fields) -> Coupon:
    fields.setdefault("max_uses_per_customer", None)
    return coupon_create(code=code, name=fields.pop("name", code), kind=kind, value=D(value), **fields)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def ahead(**delta):
    return timezone.now() + timedelta(**delta)


def add(client, sku, quantity=1):
    response = client.post(reverse("cart:add"), {"sku": sku, "quantity": str(quantity)})
    assert response.status_code == 302
    return response


def apply_code(client, code, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("cart:coupon_apply"), {"code": code}, **headers)


def details(client, *, email="rosa@example.pe", **extra):
    data = {"email": email, "billing_same": "1", **{f"shipping-{k}": v for k, v in LIMA.items()}, **extra}
    assert client.post(reverse("checkout:details"), data).status_code == 302


def delivery(client, method_code="olva-lima"):
    method = ShippingMethod.objects.get(code=method_code)
    response = client.post(reverse("checkout:delivery"), {"shipping_method": method.pk,
                                                          "payment_method": "tarjeta-prueba"})
    assert response.status_code == 302


def review_key(client) -> str:
    response = client.get(reverse("checkout:review"))
    assert response.status_code == 200
    return response.context["key"]


def place(client, key, **extra):
    return client.post(reverse("checkout:place"), {"key": key, **extra})


def checkout(client, *, email="rosa@example.pe") -> Order | None:
    """Details, delivery, review and place; the new order, or None when placing was refused."""
    details(client, email=email)
    delivery(client)
    before = Order.objects.count()
    place(client, review_key(client))
    return Order.objects.latest("pk") if Order.objects.count() > before else None


@pytest.fixture
def shop(db):
    load_demo_shipping()
    payment_method_ensure_dummy()
    warehouse = WarehouseFactory(code="LIM", priority=1)
    chair = VariantFactory(sku="CHAIR", product=ProductFactory(name="Silla Nórdica", base_price=D("200.00")))
    lamp = VariantFactory(sku="LAMP", product=ProductFactory(name="Lámpara Inca", base_price=D("100.00")))
    stock(chair, warehouse, 50)
    stock(lamp, warehouse, 50)
    return {"warehouse": warehouse, "chair": chair, "lamp": lamp}


__all__ = ["Scope"]
