"""Views for the router's tests: each does one kind of database work on a replica page."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from catalog.models import Brand
from core.db_router import replica_reads


@replica_reads
def read(request):
    return HttpResponse(",".join(Brand.objects.order_by("name").values_list("name", flat=True)))


@replica_reads
def write_then_read(request):
    Brand.objects.create(name="Nueva", slug="nueva")
    Brand.objects.filter(slug="acme").update(country="PE")
    return HttpResponse(",".join(Brand.objects.order_by("name").values_list("name", flat=True)))


@replica_reads
def lock(request):
    with transaction.atomic():
        brand = Brand.objects.select_for_update().get(slug="acme")
        others = Brand.objects.exclude(pk=brand.pk).count()  # a read inside the write's transaction
        brand.description = f"{others} más"
        brand.save()
    return HttpResponse(brand.description)


def unmarked(request):
    return HttpResponse(",".join(Brand.objects.values_list("name", flat=True)))


urlpatterns = [
    path("read/", read),
    path("write/", write_then_read),
    path("lock/", lock),
    path("unmarked/", unmarked),
]
