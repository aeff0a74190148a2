"""Seller scoping in the admin: seller A walks every admin URL of every registered model with
seller B's ids and never reaches B's rows (the URL list comes from the admin site registry, so a
model registered later is covered without touching this file)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from catalog.models import Variant
from inventory.models import Warehouse
from orders.services import order_payment_record
from returns.services import ReturnLineData, return_request_create
from shipping import services as shipping_services
from tests.factories import build_world, line_for, make_order, stocked_variant

pytestmark = pytest.mark.django_db

REFUSED = (403, 404)
# The shop's shared taxonomy: the factories make a brand and a category per product, but they
# belong to no seller and every seller lists products under them.
SHARED = {("catalog", "brand"), ("catalog", "category"), ("catalog", "family"), ("catalog", "productline")}


def all_pks() -> dict:
    return {model: set(model._default_manager.values_list("pk", flat=True)) for model in apps.get_models()}


@pytest.fixture
def world(sellers, olva):
    own, other = sellers
    build_world(own, olva, "MIO")
    before = all_pks()
    build_world(other, olva, "AJENO")
    theirs = {model: pks - before.get(model, set()) for model, pks in all_pks().items()}
    return own, {
        model: pks
        for model, pks in theirs.items()
        if pks and (model._meta.app_label, model._meta.model_name) not in SHARED
    }


def admin_urls(model, model_admin, pk):
    info = model._meta.app_label, model._meta.model_name
    for view in ("change", "history", "delete"):
        try:
            yield view, reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[pk])
        except NoReverseMatch:
            continue


def test_seller_a_reaches_none_of_seller_b_rows_through_any_admin_url(client, world):
    own, theirs = world
    client.force_login(own.user)
    reached = []
    for model, model_admin in admin.site._registry.items():
        their_pks = theirs.get(model, set())
        if not their_pks:
            continue
        listing = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        if listing.status_code == 200:
            shown = {obj.pk for obj in listing.context["cl"].result_list}
            reached += [(model.__name__, "changelist", pk) for pk in shown & their_pks]
        else:
            assert listing.status_code in REFUSED, (model, listing.status_code)
        for pk in their_pks:
            for view, url in admin_urls(model, model_admin, pk):
                response = client.get(url)
                # Django's admin answers a row outside get_queryset() with a redirect to the index.
                hidden = response.status_code in REFUSED or (
                    response.status_code == 302 and response.url == reverse("admin:index")
                )
                if not hidden:
                    reached.append((model.__name__, view, pk))
    assert reached == []


def test_autocomplete_and_form_choices_offer_none_of_seller_b_rows(client, world):
    own, theirs = world
    client.force_login(own.user)
    offered = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        for field_name in model_admin.autocomplete_fields:
            target = model._meta.get_field(field_name).remote_field.model
            response = client.get(
                reverse("admin:autocomplete"),
                {"app_label": info[0], "model_name": info[1], "field_name": field_name, "term": ""},
            )
            if response.status_code != 200:
                assert response.status_code in REFUSED
                continue
            ids = {int(row["id"]) for row in response.json()["results"]}
            offered += [(model.__name__, field_name, pk) for pk in ids & theirs.get(target, set())]
        add_page = client.get(reverse(f"admin:{info[0]}_{info[1]}_add"))
        if add_page.status_code != 200:
            continue
        for name, field in add_page.context["adminform"].form.fields.items():
            choices = getattr(field, "queryset", None)
            if choices is not None:
                pks = set(choices.values_list("pk", flat=True))
                offered += [(model.__name__, name, pk) for pk in pks & theirs.get(choices.model, set())]
    assert offered == []


def test_a_seller_cannot_attach_a_variant_to_another_sellers_product(client, world):
    own, theirs = world
    their_product = next(iter(theirs[apps.get_model("catalog", "Product")]))
    client.force_login(own.user)
    response = client.post(
        reverse("admin:catalog_variant_add"),
        {"product": their_product, "sku": "COLADO-1", "price_modifier": "0", "is_active": "on", "order": "0"},
    )
    assert response.status_code == 200 and "product" in response.context["adminform"].form.errors
    assert not Variant.objects.filter(sku="COLADO-1").exists()


@pytest.fixture
def mixed_order(sellers, olva):
    """One delivered order with a line of each seller, and a return of both lines."""
    own, other = sellers
    lines = []
    for seller, code in ((own, "MIO"), (other, "AJENO")):
        warehouse = Warehouse.objects.create(code=code, name=code, seller=seller, kind=Warehouse.Kind.OWN)
        lines.append(line_for(stocked_variant(warehouse, seller=seller, sku=f"{code}-SKU", price="80.00")))
    order = order_payment_record(
        order=make_order(lines=lines, shipping_method_id=olva.pk, email="rosa@example.pe")
    ).order
    for shipment in order.shipments.all():
        shipping_services.shipment_ship(shipment=shipment, tracking_number="40061123")
        shipping_services.shipment_deliver(shipment=shipment)
    return_request_create(
        order=order,
        lines=[
            ReturnLineData(order_line_id=line.pk, quantity=1, reason="wrong_size", declared_condition="new")
            for line in order.lines.all()
        ],
    )
    return own, order


def test_a_seller_sees_only_their_lines_of_a_shared_order(client, mixed_order):
    own, order = mixed_order
    client.force_login(own.user)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    page = response.content.decode()
    assert "MIO-SKU" in page and "AJENO-SKU" not in page
    assert "rosa@example.pe" not in page  # the shopper's e-mail is not the seller's to see
    inline_apps = {inline.opts.model._meta.app_label for inline in response.context["inline_admin_formsets"]}
    assert "payments" not in inline_apps  # nor the payments


def test_a_seller_sees_only_their_lines_of_a_shared_return(client, mixed_order):
    own, order = mixed_order
    client.force_login(own.user)
    listing = client.get(reverse("admin:returns_returnrequest_changelist"))
    (request,) = listing.context["cl"].result_list
    assert request.unit_count == 1
    page = client.get(reverse("admin:returns_returnrequest_change", args=[request.pk])).content.decode()
    assert "MIO-SKU" in page and "AJENO-SKU" not in page


def test_a_seller_sees_their_share_of_a_shared_order_and_not_the_order_total(client, mixed_order):
    from backoffice.models import LineCommission
    from core.money import format_money

    own, order = mixed_order
    line = order.lines.get(seller=own)
    commission = LineCommission.objects.get(order_line=line).amount
    client.force_login(own.user)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    share = " · ".join(format_money(amount) for amount in (line.line_total, commission, line.line_total - commission))
    assert share in page
    assert format_money(order.total) not in page  # the other seller's money stays theirs
