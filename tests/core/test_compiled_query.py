"""A queryset compiled once per process (core.compiled_query): its SQL is compiled on its first run
only, each run binds its own values (the slots, the query's moment), and it reads what Django would."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F, OuterRef, Prefetch
from django.utils import timezone

from catalog.models import Product, Variant, launch_awaited
from core.compiled_query import CompiledQuery, InSlot, OneOf, Slot
from core.query_moment import QueryMoment, at_moment
from tests.factories import CollectionFactory, ProductFactory, VariantFactory, ahead
from tests.harness import compiled_models
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return [ProductFactory(name=f"Polo {number}", base_price=Decimal(50 + number)) for number in range(3)]


def test_it_is_compiled_on_its_first_run_only_and_each_run_binds_its_own_values(products, monkeypatch):
    query = CompiledQuery(Product.objects.select_related("brand").filter(InSlot("pk", "ids")).order_by("pk"))
    compiled = compiled_models(monkeypatch)
    first = query.all(ids=[products[0].pk, products[2].pk])
    assert compiled == ["Product"]
    assert [product.name for product in first] == ["Polo 0", "Polo 2"]
    assert first[0].brand == products[0].brand  # select_related: read with the row
    assert [product.name for product in query.all(ids=[products[1].pk])] == ["Polo 1"]
    assert query.all(ids=[]) == []
    assert compiled == ["Product"]


def test_its_columns_converters_are_worked_out_once_per_connection(products, monkeypatch):
    """Each run reads the same columns: the converters found on the first run (a Decimal from SQLite's
    text, a datetime made aware) serve the next ones, and read the same values."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.models.sql.compiler import SQLCompiler

    asked = []
    worked_out = SQLCompiler.get_converters
    monkeypatch.setattr(SQLCompiler, "get_converters", lambda self, fields: asked.append(1) or worked_out(self, fields))
    query = CompiledQuery(Product.objects.filter(pk=Slot("pk")).annotate(launch=launch_awaited(OuterRef("pk"))))
    first = query.all(pk=products[0].pk)[0]
    second = query.all(pk=products[1].pk)[0]
    assert len(asked) == 1
    assert (first.base_price, second.base_price) == (Decimal("50.00"), Decimal("51.00"))
    assert first.created_at.tzinfo is not None
    connections[DEFAULT_DB_ALIAS].__dict__.pop("_compiled_query_converters")  # another connection: again
    assert query.all(pk=products[2].pk)[0].base_price == Decimal("52.00")
    assert len(asked) == 2


def test_one_of_reads_what_in_reads_with_one_parameter_whatever_the_number_of_values(products):
    pks = [product.pk for product in products]
    wanted = [pks[2], pks[0], 10**9]  # in any order, and an id of nothing
    one_of = Product.objects.filter(OneOf("pk", wanted)).order_by("pk")
    _sql, params = one_of.query.sql_with_params()
    assert len(params) == 1
    assert list(one_of) == list(Product.objects.filter(pk__in=wanted).order_by("pk"))
    assert [product.name for product in one_of] == ["Polo 0", "Polo 2"]
    assert Product.objects.filter(OneOf("pk", pks)).count() == 3  # a query made from it keeps it
    assert list(Product.objects.filter(OneOf("pk", []))) == []


def test_values_and_values_list_read_their_own_shapes(products):
    pks = [product.pk for product in products]
    by_dict = CompiledQuery(Product.objects.filter(InSlot("pk", "ids")).order_by("pk").values("pk", "name"))
    by_tuple = CompiledQuery(Product.objects.filter(InSlot("pk", "ids")).order_by("pk").values_list("pk", "name"))
    flat = CompiledQuery(Product.objects.filter(InSlot("pk", "ids")).order_by("pk").values_list("name", flat=True))
    assert by_dict.all(ids=pks[:1]) == [{"pk": pks[0], "name": "Polo 0"}]
    assert by_tuple.all(ids=pks[:2]) == [(pks[0], "Polo 0"), (pks[1], "Polo 1")]
    assert flat.all(ids=pks[1:]) == ["Polo 1", "Polo 2"]


def test_a_query_made_from_its_queryset_is_another_query_compiled_as_django_would(products):
    query = CompiledQuery(Product.objects.filter(InSlot("pk", "ids")).order_by("pk"))
    ids = [product.pk for product in products]
    assert len(query.all(ids=ids)) == 3
    from core.compiled_query import _bound_values

    with _bound_values({"ids": ids}):
        assert [product.name for product in query._queryset.filter(name="Polo 1")] == ["Polo 1"]
        assert query._queryset.count() == 3
    assert len(query.all(ids=ids[:1])) == 1


def test_a_slot_takes_any_value_and_a_missing_one_is_an_error(products):
    query = CompiledQuery(Product.objects.filter(slug=Slot("slug")))
    assert query.all(slug=products[1].slug) == [products[1]]
    assert query.all(slug="no-such-product") == []
    with pytest.raises(LookupError, match="slug"):
        query.all()


def test_its_prefetches_and_annotations_are_read_as_django_reads_them(products):
    for product in products:
        VariantFactory(product=product)
    queryset = (
        Variant.objects.annotate(product_name=F("product__name"))
        .select_related("product")
        .prefetch_related(Prefetch("product__images"))
        .order_by("pk")
    )
    expected = list(queryset.filter(product__in=products[:2]))
    found = CompiledQuery(queryset.filter(InSlot("product_id", "products"))).all(
        products=[product.pk for product in products[:2]]
    )
    assert found == expected
    assert [variant.product_name for variant in found] == [variant.product.name for variant in found]
    assert [variant.product.name for variant in found] == ["Polo 0", "Polo 1"]
    assert all("images" in variant.product._prefetched_objects_cache for variant in found)


def test_the_query_s_moment_is_the_run_s_not_the_first_compile_s(products, monkeypatch):
    """A launch two hours ahead keeps the price secret at a run an hour from now, not at one three
    hours from now, though the SQL was compiled at the first."""
    from catalog.models import CollectionItem

    drop = CollectionFactory(starts_at=ahead(hours=2))
    CollectionItem.objects.create(collection=drop, product=products[0])
    query = CompiledQuery(
        Product.objects.annotate(price_reveal_at=launch_awaited(OuterRef("pk"), now=QueryMoment())).filter(
            pk=Slot("pk")
        )
    )
    now = timezone.now()
    for hours, reveal in ((1, drop.starts_at), (3, None), (1, drop.starts_at)):
        with at_moment(now + timedelta(hours=hours)):
            (product,) = query.all(pk=products[0].pk)
        assert product.price_reveal_at == reveal, hours


@pytest.mark.django_db(transaction=True)
def test_threads_running_it_at_once_each_read_their_own_rows():
    products = [ProductFactory(name=f"Chompa {number}") for number in range(8)]
    query = CompiledQuery(Product.objects.filter(InSlot("pk", "ids")))

    def read(index: int) -> tuple[int, list[str]]:
        product = products[index]
        return product.pk, [[row.name for row in query.all(ids=[product.pk])] for _ in range(5)][-1]

    found, errors = run_in_threads(read, len(products))
    assert not errors
    assert dict(found) == {product.pk: [product.name] for product in products}
