"""The admin's history is a record, not an undo: each history list opens, but no version can be
opened as a "revert" form, nor posted to (a revert put a cancelled and refunded order back to
"Pagado", with no stock or refund reversal). Checked on the order of the report and on every
admin that has a history."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import Order, OrderStatus
from orders.services import order_cancel
from tests.factories import UserFactory, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def test_a_cancelled_order_cannot_be_reverted_to_paid(client, superuser, olva):
    from tests.factories import WarehouseFactory

    order = paid_order(lines=[line_for(stocked_variant(WarehouseFactory(), sku="POLO-H"))], method=olva)
    paid_version = order.history.filter(status=OrderStatus.PAID).latest("history_id")
    order_cancel(order=order, actor=superuser, reason="Cliente se arrepintió", by_customer=False)
    client.force_login(superuser)

    history = client.get(f"/admin/orders/order/{order.pk}/history/")
    assert history.status_code == 200
    revert_url = f"/admin/orders/order/{order.pk}/history/{paid_version.history_id}/"
    assert revert_url not in history.content.decode()  # no link to a revert form
    assert client.get(revert_url).status_code == 403
    form = {field: getattr(paid_version, field) for field in ("status", "payment_status", "email")}
    assert client.post(revert_url, form).status_code == 403

    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_no_admin_with_history_offers_a_revert(client, superuser):
    client.force_login(superuser)
    with_history = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert len(with_history) >= 10
    for model, _model_admin in with_history:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/1/history/1/"
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
