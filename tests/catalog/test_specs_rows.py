"""A product's specifications (and a line's base ones) are edited as rows of name and value, not as
raw JSON; a kit's style tags as a list separated by commas. Bad rows get a clear message and
nothing is saved."""

import pytest

from catalog.models import Product
from tests.factories import KitFactory, ProductFactory, ProductLineFactory, UserFactory, product_change_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def rows(*pairs, name="specs", blank=2) -> dict:
    data = {f"{name}-rows": len(pairs) + blank}
    for index, (key, value) in enumerate([*pairs, *[("", "")] * blank]):
        data[f"{name}-key-{index}"], data[f"{name}-value-{index}"] = key, value
    return data


def test_the_product_form_shows_each_specification_as_a_row(staff):
    product = ProductFactory(specs={"Material": "Alpaca", "Peso": "350 g"})

    page = staff.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert 'value="Material"' in page and 'name="specs-value-' in page and 'value="350 g"' in page
    assert 'name="specs-key-2" value=""' in page  # room for new ones
    assert '<textarea name="specs"' not in page


def test_rows_are_saved_and_blank_ones_skipped(staff):
    product = ProductFactory(specs={"Viejo": "x"})

    response = staff.post(
        f"/admin/catalog/product/{product.pk}/change/",
        product_change_data(product, **rows(("Material", " Alpaca "), ("Peso", "350 g"))),
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.specs == {"Material": "Alpaca", "Peso": "350 g"}


@pytest.mark.parametrize(
    "pairs, message",
    [
        ((("Peso", "350 g"), ("peso", "400 g")), "“peso” aparece dos veces"),
        ((("", "350 g"),), "Ponle nombre"),
        ((("Peso", ""),), "Ponle un valor a “Peso”"),
    ],
)
def test_bad_rows_are_a_clear_error_and_nothing_is_saved(staff, pairs, message):
    product = ProductFactory(specs={"Material": "Alpaca"})

    response = staff.post(
        f"/admin/catalog/product/{product.pk}/change/",
        product_change_data(product, **rows(*pairs)),
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["specs"])
    product.refresh_from_db()
    assert product.specs == {"Material": "Alpaca"}


def test_a_form_that_sends_no_rows_keeps_the_specifications(staff):
    product = ProductFactory(specs={"Material": "Alpaca"})

    staff.post(f"/admin/catalog/product/{product.pk}/change/", product_change_data(product, name="Otro nombre"))

    product.refresh_from_db()
    assert (product.name, product.specs) == ("Otro nombre", {"Material": "Alpaca"})


def test_a_lines_base_specifications_are_rows_too(staff):
    line = ProductLineFactory(name="RTX 4070", slug="rtx-4070")

    response = staff.post(
        f"/admin/catalog/productline/{line.pk}/change/",
        {
            "name": line.name,
            "slug": line.slug,
            "category": line.category_id,
            "manufacturer": "NVIDIA",
            "description": "",
            "is_active": "on",
            **rows(("Memoria", "12 GB"), name="base_specs"),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    assert line.base_specs == {"Memoria": "12 GB"}


def test_a_kits_style_tags_are_typed_as_a_list(staff):
    kit = KitFactory(style_tags=["Nórdico", "Minimalista"])

    page = staff.get(f"/admin/catalog/kit/{kit.pk}/change/").content.decode()
    assert 'value="Nórdico, Minimalista"' in page

    response = staff.post(
        f"/admin/catalog/kit/{kit.pk}/change/",
        {
            "name": kit.name,
            "slug": kit.slug,
            "description": "",
            "room_type": kit.room_type,
            "style_tags": "Industrial,  Rústico ,",
            "discount_percent": "10.00",
            "is_active": "on",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    kit.refresh_from_db()
    assert kit.style_tags == ["Industrial", "Rústico"]


def test_a_new_product_is_saved_with_its_rows(staff):
    """The add page as a browser sends it back (every field it rendered, hidden ones included)."""
    import re

    from tests.factories import BrandFactory, CategoryFactory

    page = staff.get("/admin/catalog/product/add/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(initial-[^"]+)" value="([^"]*)"', page))
    brand, category = BrandFactory(), CategoryFactory()

    response = staff.post(
        "/admin/catalog/product/add/",
        {
            **hidden,
            "name": "Polo básico",
            "slug": "polo-basico",
            "base_sku": "POLO",
            "product_type": "physical",
            "status": "draft",
            "brand": brand.pk,
            "category": category.pk,
            "base_price": "59.90",
            "description": "",
            "warranty_months": "12",
            "weight_kg": "0.3",
            **rows(("Material", "Algodón pima")),
            "variants-TOTAL_FORMS": 0,
            "variants-INITIAL_FORMS": 0,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Product.objects.get(slug="polo-basico").specs == {"Material": "Algodón pima"}
