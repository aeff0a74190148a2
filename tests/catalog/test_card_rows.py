"""The card rows read by queries compiled once per process (catalog.selectors: the product page's
related products, the home page's rows): what they choose, the columns they read, their pictures,
and their time windows judged at the moment each read runs, not when the SQL was compiled."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog import selectors
from catalog.models import CollectionItem
from tests.factories import (
    BannerFactory,
    BrandFactory,
    CategoryFactory,
    CollectionFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category_of_five():
    """A category: the shown product, three others by units sold, one of a hidden brand; a sixth
    product in another category."""
    category = CategoryFactory()
    hidden = BrandFactory(is_active=False)
    products = {
        "shown": ProductFactory(category=category, units_sold=50),
        "best": ProductFactory(category=category, units_sold=40),
        "second": ProductFactory(category=category, units_sold=30, is_featured=True),
        "third": ProductFactory(category=category, units_sold=20, is_new=True),
        "hidden": ProductFactory(category=category, units_sold=90, brand=hidden, is_featured=True),
        "elsewhere": ProductFactory(units_sold=99, is_featured=True),
    }
    return products


def test_the_related_products_are_the_best_selling_others_of_its_category_but_hidden_ones(category_of_five):
    related = selectors._related(category_of_five["shown"])

    assert [p.pk for p in related] == [category_of_five[name].pk for name in ("best", "second", "third")]


def test_another_product_s_related_products_come_from_the_same_compiled_query(category_of_five):
    selectors._related(category_of_five["shown"])

    related = selectors._related(category_of_five["best"])

    assert [p.pk for p in related] == [category_of_five[name].pk for name in ("shown", "second", "third")]


def test_card_rows_read_a_card_s_columns_and_its_own_pictures_in_order(category_of_five):
    best = category_of_five["best"]
    second = ProductImageFactory(product=best, order=2)
    first = ProductImageFactory(product=best, order=1)
    ProductImageFactory(product=best, order=0, variant=VariantFactory(product=best))  # a variant's: not a card's

    card = selectors._related(category_of_five["shown"])[0]

    assert [image.pk for image in card.card_images] == [first.pk, second.pk]
    # What a card does not show is not read (nor kept in the cache entry holding it).
    assert {"description", "search_vector", "specs"} <= card.get_deferred_fields()
    assert card.brand.name == best.brand.name and card.price_is_secret is False


def test_a_card_s_price_stays_secret_until_its_launch_whenever_the_query_was_compiled(category_of_five):
    now = timezone.now()
    drop = CollectionFactory(starts_at=now + timedelta(hours=1))
    CollectionItem.objects.create(collection=drop, product=category_of_five["second"])

    before = selectors._home_sections(now)
    after = selectors._home_sections(now + timedelta(hours=2))

    def reveal(sections):
        return {p.pk: p.price_reveal_at for p in sections.featured}

    assert reveal(before)[category_of_five["second"].pk] == drop.starts_at
    assert reveal(after)[category_of_five["second"].pk] is None
    assert [c.pk for c in before.upcoming_drops] == [drop.pk] and [c.pk for c in after.live_drops] == [drop.pk]


def test_the_home_rows_and_banners_are_judged_at_the_moment_read(category_of_five):
    now = timezone.now()
    BannerFactory(title="Mañana", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))

    today = selectors._home_sections(now)
    tomorrow = selectors._home_sections(now + timedelta(days=1, hours=1))

    featured = [category_of_five["elsewhere"].pk, category_of_five["second"].pk]
    assert [p.pk for p in today.featured] == featured and [p.pk for p in tomorrow.featured] == featured
    assert [p.pk for p in today.new_arrivals] == [category_of_five["third"].pk]
    assert today.banners == [] and [b.title for b in tomorrow.banners] == ["Mañana"]
    assert all(p.card_images == [] for p in today.featured)
