"""The home page's first render after the caches are emptied (a deploy, a flush): its query count
is a ceiling, so a new read on this path has to be folded into one it already makes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Product
from tests.factories import BannerFactory, CollectionFactory, KitFactory, ProductImageFactory
from tests.harness import clear_cache, warm_site_settings

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


@pytest.fixture
def home_rows(shop):
    """Every row of the home page has something: featured and new products with pictures, a
    banner (and one ahead), a live and a coming drop, a kit."""
    Product.objects.filter(pk=shop["pricey"].pk).update(is_featured=True)
    Product.objects.filter(pk=shop["kid"].pk).update(is_new=True)
    ProductImageFactory(product=shop["pricey"])
    ProductImageFactory(product=shop["kid"])
    BannerFactory(title="Cyber Wow")
    BannerFactory(title="Navidad", starts_at=timezone.now() + timedelta(days=3))
    CollectionFactory(name="Drop Inti", starts_at=timezone.now() - timedelta(days=1))
    CollectionFactory(name="Drop Wayra", starts_at=timezone.now() + timedelta(days=2))
    KitFactory(name="Kit Invierno")


def test_the_home_page_s_cold_render_makes_at_most_ten_queries(client, home_rows, django_assert_max_num_queries):
    clear_cache()  # the catalog's tree, the home's rows and content, the next scheduled changes
    warm_site_settings()  # as every query count here: the page, not the settings' own read
    with django_assert_max_num_queries(10):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Hoodie Tech", "Hoodie Mini", "Cyber Wow", "Drop Inti", "Drop Wayra", "Kit Invierno"):
        assert shown in page
    assert "Navidad" not in page


def test_the_cold_home_page_holds_until_the_next_banner_starts(client, home_rows):
    from catalog import listing_cache

    clear_cache()
    starts = listing_cache.next_banner_change()
    assert starts is not None and timedelta(days=2) < starts - timezone.now() <= timedelta(days=3)
    BannerFactory(title="Ya", starts_at=timezone.now() + timedelta(hours=1))  # a banner write forgets the moment
    assert listing_cache.next_banner_change() - timezone.now() <= timedelta(hours=1)
