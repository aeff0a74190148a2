"""The cart keeps a price secret until its product's launch: it cannot be added before, and a line
already in the cart when its product was put in an upcoming drop shows no price and counts in no
total until the launch."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem
from tests.factories import CollectionFactory, ProductFactory, VariantFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db

SECRET = ("111.12", "111,12")


@pytest.fixture
def variants():
    warehouse = WarehouseFactory(code="LIM", priority=1)
    drop = VariantFactory(sku="QHAPAQ-M", product=ProductFactory(name="Casaca Qhapaq", base_price=Decimal("111.12")))
    plain = VariantFactory(sku="DIARIA-M", product=ProductFactory(name="Casaca Diaria", base_price=Decimal("89.00")))
    stock(drop, warehouse, 8)
    stock(plain, warehouse, 8)
    return drop, plain


def _upcoming(product):
    drop = CollectionFactory(name="Drop 08", starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=product)
    return drop


def _add(client, sku, **extra):
    return client.post(reverse("cart:add"), {"sku": sku, "quantity": "1"}, **extra)


def _no_price(html: str) -> bool:
    return not any(figure in html for figure in SECRET)


def test_adding_before_launch_is_refused_without_a_price(client, variants):
    drop_variant, _ = variants
    _upcoming(drop_variant.product)

    response = _add(client, "QHAPAQ-M", HTTP_HX_REQUEST="true")

    assert response.context["error"] is True
    assert "Casaca Qhapaq" in response.content.decode() and _no_price(response.content.decode())
    page = client.get(reverse("cart:detail"))
    assert page.context["cart"].lines == [] and page.context["cart"].waiting == []


def test_a_line_whose_product_awaits_a_launch_waits_without_a_price(client, variants):
    drop_variant, _ = variants
    assert _add(client, "QHAPAQ-M").status_code == 302
    assert _add(client, "DIARIA-M").status_code == 302
    drop = _upcoming(drop_variant.product)

    page = client.get(reverse("cart:detail"))
    cart, html = page.context["cart"], page.content.decode()
    assert [line.variant.sku for line in cart.waiting] == ["QHAPAQ-M"]
    assert [line.variant.sku for line in cart.lines] == ["DIARIA-M"]
    assert cart.total == Decimal("89.00")
    assert "Casaca Qhapaq" in html and _no_price(html)

    drop.starts_at = timezone.now() - timedelta(minutes=1)
    drop.save()
    page = client.get(reverse("cart:detail"))
    assert page.context["cart"].total == Decimal("200.12") and "S/ 111.12" in page.content.decode()


def test_a_cart_of_only_waiting_lines_is_not_shown_empty(client, variants):
    drop_variant, _ = variants
    _add(client, "QHAPAQ-M")
    _upcoming(drop_variant.product)

    html = client.get(reverse("cart:detail")).content.decode()

    assert "Casaca Qhapaq" in html and _no_price(html)
    assert "Tu carrito está vacío" not in html


def test_a_drop_is_judged_at_the_moment_of_the_add_not_when_its_query_was_built(variants, monkeypatch):
    """The sale window's query is built once per process (cart.services._sale_window_variants): the
    same process refuses the drop before its launch and sells it after, and no longer once it closes."""
    from cart.services import Cart, CartError, cart_add
    from catalog.models import Collection

    drop_variant, _plain = variants
    drop = _upcoming(drop_variant.product)
    Collection.objects.filter(pk=drop.pk).update(
        collection_type=Collection.Type.DROP, ends_at=drop.starts_at + timedelta(days=1)
    )
    cart = Cart(id="anon-moment")
    with pytest.raises(CartError):
        cart_add(cart=cart, sku=drop_variant.sku, quantity=1)

    launched = drop.starts_at + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: launched)
    assert cart_add(cart=cart, sku=drop_variant.sku, quantity=1) == drop_variant

    closed = drop.starts_at + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: closed)
    with pytest.raises(CartError):
        cart_add(cart=Cart(id="anon-moment-late"), sku=drop_variant.sku, quantity=1)
