"""Purchasing's demand per variant and the alerts' history in the admin: read-only, in Spanish,
sortable, with a flat number of queries."""

import pytest
from django.urls import reverse

from alerts import services
from alerts.models import StockAlert
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _wait_for(variant, *emails):
    for email in emails:
        services.stock_alert_request(variant_id=variant.pk, email=email, user=UserFactory(email=email))


def test_demand_per_variant_lists_who_waits_most_first(admin_client, polera_m_sold_out, sold_out, warehouse):
    other = VariantFactory(product=polera_m_sold_out, sku="POL-XL")
    _wait_for(sold_out, "a@example.pe", "b@example.pe")
    _wait_for(other, "c@example.pe")
    services.stock_alert_request(variant_id=sold_out.pk, email="pendiente@example.pe")  # not confirmed: not counted
    response = admin_client.get(reverse("admin:alerts_variantdemand_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suscriptores en espera" in html and "Pedido más antiguo" in html
    rows = list(response.context["cl"].result_list)
    assert [(row.sku, row.waiting) for row in rows] == [("POL-M", 2), ("POL-XL", 1)]
    sorted_by_oldest = admin_client.get(reverse("admin:alerts_variantdemand_changelist") + "?o=5")
    assert sorted_by_oldest.status_code == 200
    assert "Añadir" not in html


def test_the_demand_list_runs_a_flat_number_of_queries(
    admin_client, polera_m_sold_out, sold_out, django_assert_max_num_queries
):
    _wait_for(sold_out, "a@example.pe")
    url = reverse("admin:alerts_variantdemand_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url)
    for index in range(6):
        _wait_for(VariantFactory(product=polera_m_sold_out, sku=f"POL-{index}"), f"x{index}@example.pe")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)


def test_the_history_of_alerts_is_read_only(admin_client, sold_out):
    _wait_for(sold_out, "a@example.pe")
    alert = StockAlert.objects.get()
    assert admin_client.get(reverse("admin:alerts_stockalert_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:alerts_stockalert_change", args=[alert.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:alerts_stockalert_add")).status_code == 403
