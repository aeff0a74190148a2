"""Malformed input is the client's mistake, never a 500: a NUL in any URL of the site (every
pattern walked, as an anonymous visitor, a signed-in customer and staff), out-of-range dates,
unknown parameters of the admin's exports, a `next` that is not a path, and a seller's own
profile in the admin."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL = "x%00y"
ROUTE_PARAM = re.compile(r"<(?:\w+:)?\w+>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _paths(patterns, prefix: str = ""):
    for entry in patterns:
        pattern = entry.pattern
        text = str(pattern)
        if hasattr(pattern, "_route"):
            part = ROUTE_PARAM.sub(NUL, pattern._route)
        else:
            part = REGEX_GROUP.sub(NUL, text).lstrip("^").rstrip("$").replace("\\", "")
            part = re.sub(r"[()?*+\[\]]", "", part)
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            path = "/" + prefix + part
            # Patterns without a parameter get the NUL in their last segment.
            yield path if NUL in path else path.rstrip("/") + "/" + NUL + "/"


def every_path_with_a_nul() -> list[str]:
    return sorted(set(_paths(get_resolver().url_patterns)))


def test_the_walk_covers_the_site():
    paths = every_path_with_a_nul()
    assert len(paths) > 150
    assert any(path.startswith("/admin/") for path in paths) and any("/account/orders/" in path for path in paths)


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff"])
def test_a_nul_in_any_path_is_a_400_never_a_500(who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=who == "staff", is_superuser=who == "staff"))
    failures = []
    for path in every_path_with_a_nul():
        for method in (client.get, client.post):
            status = method(path).status_code
            if status >= 500 or status == 200:
                failures.append(f"{method.__name__.upper()} {path}: {status}")
    assert failures == []


def test_out_of_range_dates_are_a_400(sellers):
    own, _other = sellers
    staff = Client(raise_request_exception=False)
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    seller = Client(raise_request_exception=False)
    seller.force_login(own.user)
    for client in (staff, seller):
        for query in (
            "date_from=2024-01-01&date_to=9999-12-31&format=csv",
            "date_from=0001-01-01&date_to=2024-01-31&format=html",
            "date_from=2024-01-01&date_to=9999-12-31&format=json",
        ):
            assert client.get(f"/admin/reports/payouts/?{query}").status_code == 400, query
    assert (
        staff.get("/admin/reports/sales/?by=day&date_from=2024-01-01&date_to=9999-12-31&format=csv").status_code == 400
    )


@pytest.mark.parametrize(
    "export",
    ["/admin/catalog/product/export/", "/admin/catalog/variant/export/", "/admin/inventory/stocklevel/export/"],
)
def test_an_export_with_an_unknown_parameter_is_a_400(export, sellers):
    own, _other = sellers
    for user in (UserFactory(is_staff=True, is_superuser=True), own.user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        assert client.get(export).status_code == 200
        assert client.get(f"{export}?x=1").status_code == 400
        assert client.get(f"{export}?id__gt=abc").status_code == 400


def test_a_seller_opens_their_own_profile_in_the_admin(sellers):
    own, _other = sellers
    client = Client(raise_request_exception=False)
    client.force_login(own.user)
    response = client.get(f"/admin/accounts/seller/{own.pk}/change/")
    assert response.status_code == 200
    assert own.slug in response.content.decode()  # shown, not editable


def test_no_admin_prepopulates_a_field_a_seller_may_not_change(sellers):
    """The sibling of the profile's KeyError: in every admin, a field that is read-only for a
    seller is not filled in from another (the admin would look it up in the form and fail)."""
    from django.contrib import admin
    from django.test import RequestFactory

    own, _other = sellers
    request = RequestFactory().get("/admin/")
    request.user = own.user
    for model, model_admin in admin.site._registry.items():
        readonly = set(model_admin.get_readonly_fields(request, None))
        assert not readonly & set(model_admin.get_prepopulated_fields(request, None)), model


def test_add_to_cart_with_a_next_that_is_not_a_path_goes_to_the_cart():
    from tests.factories import VariantFactory, WarehouseFactory, stock

    stock(VariantFactory(sku="POLO-NEXT"), WarehouseFactory(), 5)
    client = Client(raise_request_exception=False)
    for target in ("abc", "https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/cart/add/", {"sku": "POLO-NEXT", "quantity": "1", "next": target})
        assert (response.status_code, response["Location"]) == (302, "/cart/"), target
    # The hold is reachable: the shopper's cart holds what was added.
    assert "POLO-NEXT" in client.get("/cart/").content.decode()
    response = client.post("/cart/add/", {"sku": "POLO-NEXT", "quantity": "1", "next": "/carrito-previo/"})
    assert response["Location"] == "/carrito-previo/"
