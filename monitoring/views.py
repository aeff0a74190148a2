import os

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .access import metrics_allowed
from .collectors import BrokerCollector, StoreCollector


def _registry() -> CollectorRegistry:
    """This scrape's registry: the counted metrics (every gunicorn worker's, added up from
    PROMETHEUS_MULTIPROC_DIR, or this process's own without it) and the collectors read now."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRegistry())
    registry.register(StoreCollector())
    registry.register(BrokerCollector())
    return registry


class _ProcessRegistry:
    """The default registry (this process's counters, the process and GC metrics) as one collector."""

    def collect(self):
        return REGISTRY.collect()


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
