"""The facet engine's shortcuts stay true: the derived option table follows a product's
category, cached facet counts never outlive a catalog change, and hidden brands, categories
and families stay hidden without joins."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product, ProductOptionValue
from catalog.services import product_save, products_set_category
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    FamilyFactory,
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    family = FamilyFactory(name="Moda", slug="moda")
    hoodies = CategoryFactory(family=family, name="Hoodies", slug="hoodies")
    caps = CategoryFactory(family=family, name="Gorras", slug="gorras")
    size = OptionFactory(code="size")
    m = OptionValueFactory(option=size, slug="m", value="M")
    brand = BrandFactory(name="Inti Wear", slug="inti-wear")
    hoodie = ProductFactory(
        name="Hoodie Andino", slug="hoodie-andino", brand=brand, category=hoodies, base_price=Decimal("120.00")
    )
    VariantFactory(product=hoodie, sku="HA-M", values=[m])
    return {"family": family, "hoodies": hoodies, "caps": caps, "hoodie": hoodie, "brand": brand}


def facet_counts(response) -> dict[str, int]:
    listing = response.context["listing"]
    counts = {f"{facet.code}:{value.value}": value.count for facet in listing.option_facets for value in facet.values}
    if listing.brand_facet:
        counts.update({f"brand:{value.value}": value.count for value in listing.brand_facet.values})
    counts["total"] = listing.total
    return counts


def test_option_rows_follow_a_category_change_of_one_product_or_many(store):
    hoodie = store["hoodie"]
    hoodie.category = store["caps"]
    product_save(product=hoodie)
    assert set(ProductOptionValue.objects.values_list("category_id", flat=True)) == {store["caps"].pk}

    products_set_category(product_ids=[hoodie.pk], category_id=store["hoodies"].pk)
    assert set(ProductOptionValue.objects.values_list("category_id", flat=True)) == {store["hoodies"].pk}


def test_a_moved_product_moves_its_facet_counts(client, store):
    hoodies, caps = reverse("catalog:category", args=["hoodies"]), reverse("catalog:category", args=["gorras"])
    assert facet_counts(client.get(hoodies)) == {"size:m": 1, "brand:inti-wear": 1, "total": 1}

    products_set_category(product_ids=[store["hoodie"].pk], category_id=store["caps"].pk)

    assert facet_counts(client.get(hoodies)) == {"total": 0}
    assert facet_counts(client.get(caps)) == {"size:m": 1, "brand:inti-wear": 1, "total": 1}


@pytest.mark.parametrize("how", ["save", "update"])
def test_cached_counts_never_outlive_a_change(client, store, how):
    url = reverse("catalog:category", args=["hoodies"])
    client.get(url)  # counted and cached
    second = ProductFactory(
        name="Hoodie Nevado",
        slug="hoodie-nevado",
        brand=store["brand"],
        category=store["hoodies"],
        base_price=Decimal("150.00"),
    )
    assert facet_counts(client.get(url))["total"] == 2

    if how == "save":
        second.status = Product.Status.INACTIVE
        second.save()
    else:
        Product.objects.filter(pk=second.pk).update(status=Product.Status.INACTIVE)

    assert facet_counts(client.get(url))["total"] == 1


def test_search_counts_are_cached_per_query(client, store):
    url = reverse("catalog:search")
    first = client.get(url, {"q": "hoodie"})
    assert facet_counts(first)["total"] == 1
    ProductFactory(name="Hoodie Nevado", slug="hoodie-nevado", brand=store["brand"], category=store["hoodies"])

    assert facet_counts(client.get(url, {"q": "hoodie"}))["total"] == 2
    assert facet_counts(client.get(url, {"q": "andino"}))["total"] == 1


@pytest.mark.parametrize("hide", ["brand", "category", "family"])
def test_hidden_brands_categories_and_families_hide_their_products(client, store, hide):
    search = reverse("catalog:search")
    assert facet_counts(client.get(search, {"q": "hoodie"}))["total"] == 1
    product_url = reverse("catalog:product", args=["hoodie-andino"])

    target = {"brand": store["brand"], "category": store["hoodies"], "family": store["family"]}[hide]
    target.is_active = False
    target.save()

    response = client.get(search, {"q": "hoodie"})
    assert facet_counts(response)["total"] == 0
    assert list(response.context["listing"].page.object_list) == []
    assert client.get(product_url).status_code == 404


def test_in_stock_facet_counts_and_filters(client, store):
    from tests.factories import WarehouseFactory, stock

    sold_out = ProductFactory(
        name="Hoodie Agotado", slug="hoodie-agotado", brand=store["brand"], category=store["hoodies"]
    )
    VariantFactory(product=sold_out, sku="HAG-M")
    stock(store["hoodie"].variants.first(), WarehouseFactory(), 3)
    url = reverse("catalog:category", args=["hoodies"])

    listing = client.get(url).context["listing"]
    assert listing.total == 2
    assert [(v.label, v.count, v.selected) for v in listing.stock_facet.values] == [("Solo con stock", None, False)]

    filtered = client.get(url, {"in_stock": "1"})
    assert [p.name for p in filtered.context["listing"].page.object_list] == ["Hoodie Andino"]
    assert filtered.context["listing"].total == 1
    assert client.get(url, {"in_stock": "yes"}).context["listing"].total == 2  # anything else is ignored


def test_product_page_availability_and_sold_out_choices(client, store):
    from tests.factories import WarehouseFactory, stock

    size = OptionFactory(code="size")
    xl = OptionValueFactory(option=size, slug="xl", value="XL")
    hoodie = store["hoodie"]
    VariantFactory(product=hoodie, sku="HA-XL", values=[xl])
    stock(hoodie.variants.get(sku="HA-M"), WarehouseFactory(), 2)

    page = client.get(reverse("catalog:product", args=["hoodie-andino"])).context["page"]
    assert page.units_left == 2 and page.few_left and not page.sold_out
    sold_out = {choice.slug: choice.sold_out for group in page.option_groups for choice in group.choices}
    assert sold_out == {"m": False, "xl": True}

    xl_page = client.get(reverse("catalog:product", args=["hoodie-andino"]), {"size": "xl"})
    assert xl_page.context["page"].sold_out
    assert "Agotado" in xl_page.content.decode()
