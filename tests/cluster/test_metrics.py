"""/metrics in the production layout: nginx (the way in from outside) answers 404, each node answers
Prometheus on the inside with the cluster's own state (its database, its broker, its worker)."""

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from orders.models import Order
from tests.factories import make_guest_order

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def samples(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = requests.get(url + "/metrics", timeout=30)
    assert response.status_code == 200, response.text[:500]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/metrics?x=1"])
def test_nginx_refuses_metrics(nginx_url, path):
    response = requests.get(nginx_url + path, timeout=30)
    assert response.status_code == 404
    assert "tienda_" not in response.text


def test_each_node_reports_the_clusters_state(node_urls):
    make_guest_order()
    orders = Order.objects.count()
    for node in node_urls:
        found = samples(node)
        assert found[("tienda_store_metrics_up", ())] == 1
        assert found[("tienda_orders_placed_total", ())] == orders
        assert found[("tienda_celery_broker_up", ())] == 1
        assert ("tienda_celery_queue_length", (("queue", "celery"),)) in found
