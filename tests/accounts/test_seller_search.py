"""A seller's admin lists cannot be asked about a customer: their search and filters take order
numbers and products, never an e-mail, a document or a customer's account, and the changelist's
URL lookups (?email=…) are refused for them, as any lookup outside their filters is.

Every admin a seller can open is checked, so a new list that lets sellers search by a customer's
data fails here."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from accounts.admin_scoping import seller_scope
from reviews.services import review_create
from tests.factories import UserFactory, WarehouseFactory, line_for, paid_order, stocked_variant
from tests.harness import shared_by_module

pytestmark = pytest.mark.django_db

# Lookups that reach a person: an e-mail, a document, a name or an account.
PERSONAL = ("email", "dni", "document", "legal_name", "customer", "user", "recipient", "phone", "consumer")


def seller_client(seller) -> Client:
    client = Client()
    client.force_login(seller.user)
    return client


@shared_by_module
def bought(sellers, olva):
    own, _other = sellers
    store = WarehouseFactory(code="TIENDA-01")
    order = paid_order(
        lines=[line_for(stocked_variant(store, seller=own, sku="MIO-1"))], method=olva, email="rosa@example.pe"
    )
    review_create(
        user=UserFactory(email="rosa@example.pe"),
        product=order.lines.get().variant.product,
        rating=5,
        title="Muy bueno",
        body="Llegó a tiempo y en buen estado.",
    )
    return own, order


@pytest.mark.parametrize(
    "path",
    [
        "/admin/orders/order/",
        "/admin/shipping/shipment/",
        "/admin/returns/returnrequest/",
        "/admin/reviews/review/",
        "/admin/orders/orderline/",
    ],
)
def test_searching_a_customers_email_finds_nothing(bought, path):
    own, order = bought
    client = seller_client(own)

    by_email = client.get(path, {"q": "rosa@example.pe"})

    assert by_email.status_code == 200
    assert by_email.context["cl"].result_count == 0


def test_searching_by_order_number_and_product_still_works(bought):
    own, order = bought
    client = seller_client(own)

    assert client.get("/admin/orders/order/", {"q": order.number}).context["cl"].result_count == 1
    assert client.get("/admin/orders/order/", {"q": "MIO-1"}).context["cl"].result_count == 1


@pytest.mark.parametrize(
    "query",
    [
        {"email": "rosa@example.pe"},
        {"email__startswith": "r"},
        {"customer_document": "43451826"},
        {"customer__isnull": "False"},
        {"customer_id": "1"},
        {"customer_id__gte": "0"},
    ],
)
def test_a_lookup_on_the_customer_in_the_url_is_refused(bought, query):
    own, _order = bought

    response = seller_client(own).get("/admin/orders/order/", query)

    # Django's answer to a lookup the admin does not allow (DisallowedModelAdminLookup): 400.
    assert response.status_code == 400


def test_the_lists_own_filters_still_work_for_a_seller(bought):
    own, order = bought
    client = seller_client(own)
    for path, query in (
        ("/admin/orders/order/", {"status__exact": order.status}),
        ("/admin/orders/order/", {"placed_at__year": order.placed_at.year}),
        ("/admin/reviews/review/", {"product__id__exact": order.lines.get().variant.product_id}),
        ("/admin/orders/orderline/", {"order__status__exact": order.status}),
    ):
        response = client.get(path, query)
        assert response.status_code == 200, (path, query)
        assert response.context["cl"].result_count == 1, (path, query)


def test_staff_still_search_by_email(bought, admin_client):
    _own, order = bought
    response = admin_client.get("/admin/orders/order/", {"q": "rosa@example.pe"})
    assert response.context["cl"].result_count == 1


def test_no_admin_a_seller_opens_searches_or_filters_personal_data(sellers):
    own, _other = sellers
    request = RequestFactory().get("/admin/")
    request.user = own.user
    assert seller_scope(request) == own
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        searched = [field.lstrip("=^@") for field in model_admin.get_search_fields(request)]
        filtered = [
            item[0] if isinstance(item, (list, tuple)) else getattr(item, "parameter_name", item)
            for item in model_admin.get_list_filter(request)
        ]
        for lookup in searched + [f for f in filtered if isinstance(f, str)]:
            assert not any(word in lookup for word in PERSONAL), (model.__name__, lookup)


def test_a_review_shows_a_seller_what_was_said_not_who_said_it(bought):
    own, order = bought
    from reviews.models import Review

    review = Review.objects.get()
    page = seller_client(own).get(f"/admin/reviews/review/{review.pk}/change/").content.decode()

    assert "Llegó a tiempo" in page
    assert "rosa@example.pe" not in page
