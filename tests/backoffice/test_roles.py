"""Each back-office role, signed in to the admin: what it can do, and what it must not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role, roles_sync
from accounts.services import user_add_role
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    roles_sync()

    def sign_in(role):
        user = UserFactory(is_staff=True)
        user_add_role(user=user, role=role)
        client.force_login(user)
        return user

    return sign_in


def status(client, name, *args):
    return client.get(reverse(name, args=args)).status_code


def test_warehouse_operator_works_stock_and_shipments_but_cannot_approve_refunds(client, signed_in):
    operator = signed_in(Role.WAREHOUSE_OPERATOR)
    assert status(client, "admin:inventory_stocklevel_changelist") == 200
    assert status(client, "admin:inventory_movement_changelist") == 200
    assert status(client, "admin:shipping_shipment_changelist") == 200
    assert status(client, "admin:payments_refund_changelist") == 403
    assert not operator.has_perm("payments.approve_refund")


def test_support_requests_refunds_and_reads_payments_but_cannot_change_prices(client, signed_in):
    support = signed_in(Role.SUPPORT)
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("99.00")))
    assert status(client, "admin:payments_payment_changelist") == 200
    assert status(client, "admin:payments_refund_changelist") == 200
    assert status(client, "admin:orders_order_changelist") == 200
    assert support.has_perm("payments.add_refund") and not support.has_perm("payments.approve_refund")
    # Products are read-only to support: the page has no form to save, a post is refused.
    page = client.get(reverse("admin:catalog_product_change", args=[variant.product.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    posted = client.post(
        reverse("admin:catalog_product_change", args=[variant.product.pk]),
        {"name": variant.product.name, "base_price": "1.00"},
    )
    assert posted.status_code == 403
    assert status(client, "admin:catalog_variant_change", variant.pk) == 403
    variant.product.refresh_from_db()
    assert variant.product.base_price == Decimal("99.00")


def test_catalog_manager_edits_the_catalog_but_cannot_see_payments(client, signed_in):
    manager = signed_in(Role.CATALOG_MANAGER)
    product = ProductFactory()
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"]
    assert status(client, "admin:promotions_coupon_changelist") == 200
    assert status(client, "admin:payments_payment_changelist") == 403
    assert status(client, "admin:payments_refund_changelist") == 403
    assert not manager.has_perm("payments.view_payment")


def test_administrator_approves_refunds_and_changes_settings(client, signed_in):
    administrator = signed_in(Role.ADMINISTRATOR)
    assert administrator.has_perm("payments.approve_refund")
    assert status(client, "admin:payments_refund_changelist") == 200
    assert status(client, "admin:constance_config_changelist") == 200
    assert administrator.has_perm("constance.change_config")


def test_only_administrators_reach_the_site_settings(client, signed_in):
    signed_in(Role.SUPPORT)
    assert status(client, "admin:constance_config_changelist") == 403
