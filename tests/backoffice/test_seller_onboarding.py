"""A seller lists a product of their own in the admin: picks its category, brand, line and
option values (the pickers answer a seller, with only what they may use), adds variants and
images, stocks it in their own warehouse, and submits it for review when the store asks for
one; staff approve it and it is live."""

from decimal import Decimal

import pytest
from constance import config
from django.contrib.admin import helpers
from django.urls import reverse

from catalog.models import Product, ProductImage, Variant
from inventory.models import Movement, StockLevel, Warehouse
from tests.factories import BrandFactory, CategoryFactory, OptionValueFactory, ProductLineFactory, UserFactory, png_file
from tests.harness import warm_site_settings

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = reverse("admin:autocomplete")


@pytest.fixture
def taxonomy():
    return {
        "brand": BrandFactory(name="Vicús", slug="vicus"),
        "old_brand": BrandFactory(name="Retirada", slug="retirada", is_active=False),
        "category": CategoryFactory(name="Chompas", slug="chompas"),
        "old_category": CategoryFactory(name="Descontinuada", slug="descontinuada", is_active=False),
        "line": ProductLineFactory(name="Chompa clásica", slug="chompa-clasica"),
        "size_m": OptionValueFactory(slug="m", value="M"),
        "size_l": OptionValueFactory(slug="l", value="L"),
    }


@pytest.fixture
def seller(sellers, client):
    own, _other = sellers
    client.force_login(own.user)
    return own


def picker(client, field_name: str, model_name: str = "product") -> tuple[int, set[str]]:
    response = client.get(
        AUTOCOMPLETE, {"app_label": "catalog", "model_name": model_name, "field_name": field_name, "term": ""}
    )
    return response.status_code, {
        row["text"] for row in response.json()["results"]
    } if response.status_code == 200 else set()


def review_required(value: bool) -> None:
    config.SELLER_PRODUCTS_NEED_REVIEW = value
    warm_site_settings()  # the tests' cache holds the defaults; read the saved value
    from core.site_settings import forget_site_settings

    forget_site_settings()


def test_the_pickers_answer_a_seller_with_what_they_may_use(client, seller, taxonomy):
    status, brands = picker(client, "brand")
    assert status == 200 and "Vicús" in brands and "Retirada" not in brands
    status, categories = picker(client, "category")
    assert status == 200 and "Chompas" in categories and "Descontinuada" not in categories
    assert picker(client, "line")[0] == 200
    status, values = picker(client, "option_values", model_name="variant")
    assert status == 200 and {"Talla: M", "Talla: L"} <= values


def add_data(taxonomy, **overrides) -> dict:
    """The add form as a seller's browser posts it: two variants and a photo."""
    data = {
        "name": "Chompa de alpaca",
        "slug": "chompa-de-alpaca",
        "base_sku": "VIC-CHO",
        "product_type": "physical",
        "status": "draft",
        "brand": taxonomy["brand"].pk,
        "category": taxonomy["category"].pk,
        "line": "",
        "base_price": "259.00",
        "compare_at_price": "",
        "specs": "{}",
        "description": "Tejida a mano.",
        "warranty_months": "6",
        "weight_kg": "0.400",
        "max_per_customer": "",
        "length_cm": "",
        "width_cm": "",
        "height_cm": "",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-sku": "VIC-CHO-M",
        "variants-0-option_values": [taxonomy["size_m"].pk],
        "variants-0-price_modifier": "0",
        "variants-0-is_active": "on",
        "variants-0-order": "0",
        "variants-1-sku": "VIC-CHO-L",
        "variants-1-option_values": [taxonomy["size_l"].pk],
        "variants-1-price_modifier": "10.00",
        "variants-1-is_active": "on",
        "variants-1-order": "1",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-image": png_file("chompa.png"),
        "images-0-alt": "Chompa gris",
        "images-0-order": "0",
    }
    data.update(overrides)
    return data


def test_the_add_form_defaults_to_no_brand_and_no_category(client, seller, taxonomy):
    form = client.get(reverse("admin:catalog_product_add")).context["adminform"].form
    assert form.initial.get("brand") is None and form.initial.get("category") is None
    assert not form.fields["brand"].queryset.filter(is_active=False).exists()
    assert not form.fields["category"].queryset.filter(is_active=False).exists()


def test_a_seller_adds_a_product_with_variants_and_a_photo(client, seller, taxonomy):
    response = client.post(reverse("admin:catalog_product_add"), add_data(taxonomy))
    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(base_sku="VIC-CHO")
    assert (product.seller, product.brand, product.category) == (seller, taxonomy["brand"], taxonomy["category"])
    prices = {variant.sku: variant.price for variant in product.variants.all()}
    assert prices == {"VIC-CHO-M": Decimal("259.00"), "VIC-CHO-L": Decimal("269.00")}
    assert list(product.variants.get(sku="VIC-CHO-L").option_values.all()) == [taxonomy["size_l"]]
    assert ProductImage.objects.filter(product=product, alt="Chompa gris").count() == 1


def test_a_seller_cannot_pick_a_retired_brand_or_category(client, seller, taxonomy):
    response = client.post(
        reverse("admin:catalog_product_add"),
        add_data(
            taxonomy,
            brand=taxonomy["old_brand"].pk,
            category=taxonomy["old_category"].pk,
            **{"images-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == 200
    assert {"brand", "category"} <= set(response.context["adminform"].form.errors)
    assert not Product.objects.filter(base_sku="VIC-CHO").exists()


def test_with_review_required_a_seller_submits_and_staff_approve(client, seller, taxonomy):
    review_required(True)
    refused = client.post(reverse("admin:catalog_product_add"), add_data(taxonomy, status="active"))
    assert refused.status_code == 200 and "status" in refused.context["adminform"].form.errors
    assert not Product.objects.filter(base_sku="VIC-CHO").exists()

    response = client.post(reverse("admin:catalog_product_add"), add_data(taxonomy, status="review"))
    assert response.status_code == 302
    product = Product.objects.get(base_sku="VIC-CHO")
    assert product.status == Product.Status.REVIEW
    # The bulk action cannot publish it either.
    client.post(
        reverse("admin:catalog_product_changelist"), {"action": "activate", helpers.ACTION_CHECKBOX_NAME: [product.pk]}
    )
    product.refresh_from_db()
    assert product.status == Product.Status.REVIEW

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    pending = client.get(reverse("admin:catalog_product_changelist"), {"status__exact": "review"})
    assert [row.pk for row in pending.context["cl"].result_list] == [product.pk]
    client.post(
        reverse("admin:catalog_product_changelist"), {"action": "approve", helpers.ACTION_CHECKBOX_NAME: [product.pk]}
    )
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE


def test_without_review_a_seller_publishes_their_product(client, seller, taxonomy):
    review_required(False)
    response = client.post(reverse("admin:catalog_product_add"), add_data(taxonomy, status="active"))
    assert response.status_code == 302
    assert Product.objects.get(base_sku="VIC-CHO").status == Product.Status.ACTIVE


def test_a_seller_stocks_a_new_variant_in_their_own_warehouse_only(client, seller, sellers, taxonomy):
    _own, other = sellers
    client.post(reverse("admin:catalog_product_add"), add_data(taxonomy, **{"images-TOTAL_FORMS": "0"}))
    variant = Variant.objects.get(sku="VIC-CHO-M")
    own_wh = Warehouse.objects.create(code="VIC-01", name="Almacén Vicús", seller=seller)
    their_wh = Warehouse.objects.create(code="AJE-01", name="Ajeno", seller=other)
    add = reverse("admin:inventory_stocklevel_add")

    form = client.get(add).context["adminform"].form
    assert list(form.fields["warehouse"].queryset) == [own_wh]
    refused = client.post(
        add,
        {
            "variant": variant.pk,
            "warehouse": their_wh.pk,
            "received": "5",
            "minimum": "0",
            "maximum": "",
            "bin_location": "",
        },
    )
    assert refused.status_code == 200 and "warehouse" in refused.context["adminform"].form.errors

    response = client.post(
        add,
        {
            "variant": variant.pk,
            "warehouse": own_wh.pk,
            "received": "12",
            "minimum": "2",
            "maximum": "",
            "bin_location": "A-1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    level = StockLevel.objects.get(variant=variant, warehouse=own_wh)
    assert (level.on_hand, level.minimum, level.bin_location) == (12, 2, "A-1")
    assert list(Movement.objects.filter(stock_level=level).values_list("kind", "quantity")) == [
        (Movement.Kind.RECEIPT, 12)
    ]
    assert not StockLevel.objects.filter(warehouse=their_wh).exists()
