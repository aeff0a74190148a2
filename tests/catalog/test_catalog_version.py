"""The catalog's scoped versions (catalog.catalog_version): a product page's entry holds while the
product pages' token is unchanged and none of the products it shows is marked written since it
began reading; a listing's token is renewed by every catalog write."""

import pytest
from django.core.cache import cache

from catalog import catalog_version
from catalog.catalog_version import Reading, holds, mark_written, product_mark, reading_start


def _reading(*product_ids: int) -> Reading:
    token, number = reading_start()
    return Reading.of(token, number, (product_mark(pk) for pk in product_ids))


def test_a_reading_ends_with_a_write_of_a_product_it_shows_and_no_other():
    shows_one, shows_two = _reading(1), _reading(2, 3)
    listings = cache.get(catalog_version.VERSION_KEY)
    mark_written(products=[1])
    assert not holds(shows_one) and holds(shows_two)
    assert cache.get(catalog_version.VERSION_KEY) != listings  # every listing renewed
    assert holds(_reading(1))  # read after the write


def test_a_catalog_write_beyond_one_product_ends_every_reading_a_banner_none():
    reading = _reading(1)
    catalog_version.bump_listings()
    assert holds(reading)
    catalog_version.bump()
    assert not holds(reading)


def test_a_lost_counter_starts_past_every_number_taken_before():
    for _ in range(20):  # a burst of writes, faster than one a millisecond
        mark_written(products=[1])
    before = cache.get(catalog_version.WRITES_KEY)
    cache.delete(catalog_version.WRITES_KEY)
    reading = _reading(1)
    assert reading.marks[product_mark(1)] >= before and holds(reading)
    mark_written(products=[1])
    assert not holds(reading)


@pytest.mark.django_db
def test_a_mark_taken_at_commit_ends_what_was_read_before_it(django_capture_on_commit_callbacks):
    """A page that began reading while the write's transaction was open read the rows before it:
    the mark taken again at commit is above its number."""
    with django_capture_on_commit_callbacks() as at_commit:
        catalog_version.mark_after_write(products=[7])
        during = _reading(7)
        assert holds(during)  # the in-transaction mark is below: it may have read the old row
    for callback in at_commit:
        callback()
    assert not holds(during)


def test_a_mark_outlives_every_entry_read_before_it():
    from catalog import listing_cache
    from storefront import page_cache

    assert catalog_version.MARK_SECONDS > max(
        listing_cache.TTL_SECONDS, page_cache.LISTING_FRESH_SECONDS + page_cache.RENDER_GRACE_SECONDS
    )


def _home_reading(*on_its_rows: int) -> Reading:
    token, number = reading_start()
    return Reading.of(token, number, [catalog_version.HOME_MARK, *(product_mark(pk) for pk in on_its_rows)])


def test_the_home_page_s_reading_ends_with_a_banner_or_a_product_that_is_or_was_on_its_rows():
    home = _home_reading(1)
    mark_written(products=[2])
    assert holds(home)  # neither on its rows nor featured or new
    catalog_version.bump_listings()  # a banner
    assert not holds(home)
    home = _home_reading()
    mark_written(products=[2], home=True)  # featured or new: it may take a place on the rows
    assert not holds(home)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "before, change, marked",
    [
        ({}, {"name": "Otro nombre"}, False),
        ({"is_featured": True}, {"name": "Otro nombre"}, True),
        ({"is_new": True}, {"is_new": False}, True),  # left the new arrivals
        ({}, {"is_featured": True}, True),  # joined the featured
    ],
)
def test_a_product_s_save_and_bulk_update_mark_the_home_page_when_it_is_or_was_featured_or_new(
    before, change, marked, django_capture_on_commit_callbacks
):
    from catalog.models import Product
    from tests.factories import ProductFactory

    for write in ("save", "update"):
        product = Product.objects.get(pk=ProductFactory(**before).pk)
        home = _home_reading()
        with django_capture_on_commit_callbacks(execute=True):
            if write == "save":
                for name, value in change.items():
                    setattr(product, name, value)
                product.save()
            else:
                Product.objects.filter(pk=product.pk).update(**change)
        assert holds(home) != marked, write


@pytest.mark.django_db
def test_a_product_loaded_without_its_home_fields_marks_the_home_page(django_capture_on_commit_callbacks):
    from catalog.models import Product
    from tests.factories import ProductFactory

    ProductFactory()
    product = Product.objects.only("pk", "name").get()
    home = _home_reading()
    product.name = "Otro nombre"
    with django_capture_on_commit_callbacks(execute=True):
        product.save(update_fields=["name"])
    assert not holds(home)  # not known to be off the rows
