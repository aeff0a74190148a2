"""The facet counts kept per category (catalog.category_counts) are the live counts, or not used: a write
of a category's products makes them not current in its own transaction, a refresh stores only what it
counted before any write it did not see, a launch ends them, and a category listing reads them in one
query in place of its two counting ones."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog import catalog_version, category_counts
from catalog.listing import ListingParams, _facet_counts
from catalog.models import Category, CategoryCounts, CollectionItem, Product
from catalog.selectors import visible_products
from catalog.services import product_save, variants_set_active
from catalog.tree import catalog_tree
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    CollectionFactory,
    FamilyFactory,
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
)
from tests.harness import clear_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    family = FamilyFactory(name="Cómputo", slug="computo")
    laptops = CategoryFactory(family=family, name="Laptops", slug="laptops")
    gaming = CategoryFactory(family=family, name="Laptops gamer", slug="laptops-gamer", parent=laptops)
    mice = CategoryFactory(family=family, name="Mouse", slug="mouse")
    color = OptionFactory(code="color")
    black, white = (OptionValueFactory(option=color, slug=s, value=s.title()) for s in ("negro", "blanco"))
    acer, lenovo = BrandFactory(name="Acer", slug="acer"), BrandFactory(name="Lenovo", slug="lenovo")
    rows = [
        (laptops, acer, "2499.00", [black]),
        (laptops, lenovo, "1899.90", [black, white]),
        (gaming, acer, "5499.00", [white]),
        (gaming, lenovo, "89.90", []),
        (mice, lenovo, "59.00", [black]),
    ]
    for index, (category, brand, price, values) in enumerate(rows):
        product = ProductFactory(category=category, brand=brand, base_price=Decimal(price), slug=f"p-{index}")
        for value in values:
            VariantFactory(product=product, values=[value])
    ProductFactory(category=laptops, brand=acer, status=Product.Status.DRAFT, slug="borrador")
    return {"family": family, "laptops": laptops, "gaming": gaming, "mice": mice, "acer": acer}


def live(category_ids):
    tree = catalog_tree()
    return _facet_counts(
        visible_products(tree).filter(category_id__in=category_ids), ListingParams(), tree, category_ids
    )


def kept(category_ids):
    return category_counts.kept(category_ids, catalog_tree())


def test_kept_counts_sum_to_the_live_ones_for_a_category_its_subtree_and_a_family(store):
    assert category_counts.refresh() == Category.objects.count()
    laptops, gaming, mice = store["laptops"].pk, store["gaming"].pk, store["mice"].pk
    for scope in ([laptops, gaming], [gaming], [laptops, gaming, mice]):
        assert kept(scope) == live(scope)
    assert kept([laptops, gaming])[0].total == 4  # the draft left out
    assert category_counts.refresh() == 0  # all current: nothing counted again


def test_a_write_ends_its_category_s_counts_in_its_own_transaction_and_its_commit_counts_again(
    store, django_capture_on_commit_callbacks
):
    category_counts.refresh()
    product = Product.objects.get(slug="p-0")
    with django_capture_on_commit_callbacks(execute=True):
        product.base_price = Decimal("99.00")
        product_save(product=product)
        assert kept([store["laptops"].pk]) is None  # not current while the write is open
        assert kept([store["mice"].pk]) is not None  # other categories' stay
    assert kept([store["laptops"].pk]) == live([store["laptops"].pk])
    assert kept([store["laptops"].pk])[0].bucket_counts[0] == 1  # S/ 99 now


def test_a_product_moved_ends_both_categories_counts(store, django_capture_on_commit_callbacks):
    category_counts.refresh()
    product = Product.objects.get(slug="p-4")
    with django_capture_on_commit_callbacks(execute=True):
        product.category = store["laptops"]
        product_save(product=product)
        assert kept([store["laptops"].pk]) is None and kept([store["mice"].pk]) is None
    for scope in ([store["laptops"].pk], [store["mice"].pk]):
        assert kept(scope) == live(scope)
    assert kept([store["mice"].pk])[0].total == 0


def _raises(queries) -> int:
    return sum("catalog_categorycounts" in query["sql"] for query in queries.captured_queries)


def test_a_category_is_made_not_current_once_per_transaction_however_many_rows_are_written(store):
    """A delete sends a signal per row (here the option index's rows of five variants): one raise, not one each."""
    product = Product.objects.get(slug="p-1")
    sizes = OptionFactory(code="talla")
    variants = [VariantFactory(product=product, values=[OptionValueFactory(option=sizes)]) for _ in range(5)]
    category_counts.refresh()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        variants_set_active(variant_ids=[variant.pk for variant in variants], active=False)
    assert _raises(queries) == 1
    assert kept([store["laptops"].pk]) is None


def test_a_raise_rolled_back_with_its_savepoint_is_made_again(store):
    category_counts.refresh()
    laptops = store["laptops"].pk
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            catalog_version.contents_written([laptops])
            raise RuntimeError
        assert kept([laptops]) is not None  # the raise went with its savepoint
        with CaptureQueriesContext(connection) as queries:
            catalog_version.contents_written([laptops])
        assert _raises(queries) == 1
        assert kept([laptops]) is None


def test_a_catalog_wide_write_ends_every_category_s_counts(store):
    category_counts.refresh()
    catalog_version.bump_after_write()
    assert all(kept([pk]) is None for pk in Category.objects.values_list("pk", flat=True))


def test_a_refresh_stores_nothing_counted_before_a_write_it_could_not_see(store, monkeypatch):
    """A write landing while the refresh counts raises `written` past what the refresh read: what it counted
    is dropped, and the row waits for the write's own refresh."""
    category_counts.refresh()
    laptops = store["laptops"].pk
    catalog_version.contents_written([laptops])
    count = category_counts._count

    def count_then_a_write_lands(category_ids, now):
        counted = count(category_ids, now)
        catalog_version.contents_written([laptops])
        return counted

    monkeypatch.setattr(category_counts, "_count", count_then_a_write_lands)
    assert category_counts.refresh([laptops]) == 0
    assert kept([laptops]) is None
    monkeypatch.undo()
    assert category_counts.refresh([laptops]) == 1
    assert kept([laptops]) == live([laptops])


def test_a_launch_in_a_category_ends_its_counts_at_that_moment(store):
    """A drop ahead holds its products' prices back: the kept counts leave them out of the price facet,
    as the live ones do, until the drop starts."""
    starts = timezone.now() + timedelta(hours=2)
    CollectionItem.objects.create(
        collection=CollectionFactory(starts_at=starts, is_active=True), product=Product.objects.get(slug="p-2")
    )
    category_counts.refresh()
    gaming = store["gaming"].pk
    assert CategoryCounts.objects.get(category_id=gaming).valid_until == starts
    assert CategoryCounts.objects.get(category_id=store["mice"].pk).valid_until is None
    assert kept([gaming]) == live([gaming])
    assert kept([gaming])[0].bucket_counts[4] == 0  # S/ 5,499 is secret until the launch
    CategoryCounts.objects.filter(category_id=gaming).update(valid_until=timezone.now())  # the moment came
    assert kept([gaming]) is None
    assert category_counts.refresh() == 1  # beat's run counts it again


def test_a_hidden_brand_or_a_missing_or_old_row_counts_live(store):
    category_counts.refresh()
    laptops = store["laptops"].pk
    CategoryCounts.objects.filter(category_id=laptops).update(refreshed_at=timezone.now() - timedelta(hours=2))
    assert kept([laptops]) is None
    assert category_counts.refresh() == 1
    CategoryCounts.objects.filter(category_id=laptops).delete()
    assert kept([laptops]) is None
    assert category_counts.refresh() == 1
    store["acer"].is_active = False
    store["acer"].save()
    assert kept([laptops]) is None


def test_a_cold_category_listing_reads_the_kept_counts_in_place_of_counting(client, store):
    url = reverse("catalog:category", args=["laptops"])
    cold_live = _listing_queries(client, url)
    category_counts.refresh()
    cold_kept = _listing_queries(client, url)
    # Counting live: the kept rows read (none current), the facet pass and the option counts; kept: the read.
    assert len(cold_kept) == len(cold_live) - 2
    assert not any("GROUP BY" in sql for sql in cold_kept)
    clear_cache()  # this worker's keys: clear() would empty the Redis the other workers share
    assert client.get(url).context["listing"].total == 4
    filtered = client.get(url, {"brand": "acer"}).context["listing"]
    assert filtered.total == 2  # a filtered listing counts live


def _listing_queries(client, url) -> list[str]:
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]
