"""Sellers list products in sizes and colours the store may not have yet: they add option values
(a new size, a new colour), and cannot rename or delete the shared ones others list under.
Every admin where a slug or code is typed fills it from the name."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from catalog.models import Option, OptionValue
from tests.factories import OptionFactory, OptionValueFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/catalog/optionvalue/add/"


def test_a_seller_adds_a_new_size(client, sellers):
    own, _other = sellers
    size = OptionFactory(code="size")
    client.force_login(own.user)

    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"option": size.pk, "value": "XXL", "slug": "xxl", "swatch": "", "order": "0"})

    assert response.status_code == 302
    assert OptionValue.objects.filter(option=size, value="XXL", slug="xxl").exists()


def test_the_product_forms_size_picker_offers_to_add_one(client, sellers):
    own, _other = sellers
    product = ProductFactory(seller=own)
    client.force_login(own.user)

    page = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert 'id="add_id_variants-__prefix__-option_values"' in page


def test_a_size_that_exists_is_a_clear_form_error(client, sellers):
    own, _other = sellers
    existing = OptionValueFactory(slug="m", value="M")
    client.force_login(own.user)

    response = client.post(
        ADD, {"option": existing.option_id, "value": "M", "slug": "m-2", "order": "0"}, HTTP_ACCEPT_LANGUAGE="es"
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["__all__"]
    assert OptionValue.objects.filter(option=existing.option).count() == 1


def test_a_seller_cannot_rename_or_delete_a_shared_value(client, sellers):
    own, _other = sellers
    shared = OptionValueFactory(slug="m", value="M")
    client.force_login(own.user)

    renamed = client.post(
        f"/admin/catalog/optionvalue/{shared.pk}/change/",
        {"option": shared.option_id, "value": "Mediano", "slug": "m", "order": "0"},
    )
    deleted = client.post(f"/admin/catalog/optionvalue/{shared.pk}/delete/", {"post": "yes"})

    assert (renamed.status_code, deleted.status_code) == (403, 403)
    shared.refresh_from_db()
    assert shared.value == "M"


@pytest.mark.parametrize("model, field, source", [(OptionValue, "slug", "value"), (Option, "code", "name")])
def test_a_typed_slug_is_filled_from_the_name(model, field, source):
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)

    assert site._registry[model].get_prepopulated_fields(request) == {field: [source]}


def test_every_admin_with_a_slug_fills_it_from_the_name():
    """The siblings: no admin makes staff type a slug or code by hand."""
    from django.db.models import SlugField

    missing = []
    for model, model_admin in site._registry.items():
        if not hasattr(model._meta, "fields"):
            continue  # a settings page (constance), not a table
        slugs = [f.name for f in model._meta.fields if isinstance(f, SlugField)]
        for name in slugs:
            if name not in model_admin.prepopulated_fields:
                missing.append(f"{model._meta.label}.{name}")
        for inline in model_admin.inlines:
            for name in (f.name for f in inline.model._meta.fields if isinstance(f, SlugField)):
                if name not in inline.prepopulated_fields:
                    missing.append(f"{inline.model._meta.label}.{name} (inline of {model._meta.label})")
    assert missing == []
