from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from catalog.models import Category, PriceHistory, Product, Variant
from catalog.price_history import price_actor
from tests.catalog.admin_forms import product_change_data
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_negative_price_is_refused_by_the_database(self):
        product = ProductFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Product.objects.filter(pk=product.pk).update(base_price=Decimal("-1"))

    def test_compare_at_below_price_is_refused_by_form_and_database(self):
        product = ProductFactory(base_price=Decimal("100"))
        product.compare_at_price = Decimal("90")
        with pytest.raises(ValidationError) as error:
            product.full_clean()
        assert "compare_at_price" in error.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            Product.objects.filter(pk=product.pk).update(compare_at_price=Decimal("90"))

    def test_category_name_unique_within_its_family_only(self):
        first = CategoryFactory(name="Sillas")
        CategoryFactory(name="Sillas")  # another family: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            Category.objects.create(family=first.family, name="Sillas", slug="sillas-2")

    def test_parent_must_share_the_family_and_cycles_are_refused(self):
        parent = CategoryFactory()
        stranger = CategoryFactory(parent=None)
        child = CategoryFactory(family=parent.family, parent=parent)
        stranger.parent = parent
        with pytest.raises(ValidationError):
            stranger.full_clean()
        parent.parent = child
        with pytest.raises(ValidationError):
            parent.full_clean()

    def test_variant_price_is_base_plus_modifier_and_never_negative(self):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("100")), price_modifier=Decimal("25.50"))
        assert variant.price == Decimal("125.50")
        variant.price_modifier = Decimal("-150")
        with pytest.raises(ValidationError):
            variant.full_clean()

    def test_saving(self):
        product = ProductFactory(base_price=Decimal("75"), compare_at_price=Decimal("100"))
        assert (product.saving, product.saving_percent) == (Decimal("25"), 25)


class TestPriceHistory:
    def prices(self, variant):
        return list(PriceHistory.objects.filter(variant=variant).order_by("pk").values_list("previous_price", "price"))

    def test_every_path_that_changes_a_price_leaves_a_row(self):
        product = ProductFactory(base_price=Decimal("100"))
        variant = VariantFactory(product=product)  # created: None → 100
        product.base_price = Decimal("90")
        product.save()  # save(): 100 → 90
        Product.objects.filter(pk=product.pk).update(base_price=Decimal("80"))  # update(): 90 → 80
        Variant.objects.filter(pk=variant.pk).update(price_modifier=Decimal("5"))  # 80 → 85
        variant.refresh_from_db()
        variant.price_modifier = Decimal("10")
        variant.save()  # 85 → 90
        product.refresh_from_db()
        product.base_price = Decimal("70")
        Product.objects.bulk_update([product], ["base_price"])  # 90 → 80

        assert self.prices(variant) == [
            (None, Decimal("100")), (Decimal("100"), Decimal("90")), (Decimal("90"), Decimal("80")),
            (Decimal("80"), Decimal("85")), (Decimal("85"), Decimal("90")), (Decimal("90"), Decimal("80")),
        ]

    def test_unchanged_price_adds_nothing(self):
        product = ProductFactory()
        variant = VariantFactory(product=product)
        product.name = "Otro nombre"
        product.save()
        Product.objects.filter(pk=product.pk).update(base_price=product.base_price)
        assert len(self.prices(variant)) == 1

    def test_bulk_created_variants_get_their_first_price(self):
        product = ProductFactory(base_price=Decimal("50"))
        Variant.objects.bulk_create([Variant(product=product, sku="B-1"), Variant(product=product, sku="B-2",
                                                                                    price_modifier=Decimal("5"))])
        assert sorted(PriceHistory.objects.values_list("price", flat=True)) == [Decimal("50"), Decimal("55")]

    def test_actor_is_recorded(self):
        manager = UserFactory()
        product = ProductFactory()
        variant = VariantFactory(product=product)
        with price_actor(manager):
            Product.objects.filter(pk=product.pk).update(base_price=Decimal("1"))
        assert PriceHistory.objects.filter(variant=variant).latest("pk").changed_by == manager

    def test_rows_are_append_only(self):
        variant = VariantFactory()
        row = PriceHistory.objects.get(variant=variant)
        row.price = Decimal("1")
        with pytest.raises(ValidationError):
            row.save()
        with pytest.raises(ValidationError):
            row.delete()
        with pytest.raises(ValidationError):
            PriceHistory.objects.filter(pk=row.pk).update(price=Decimal("2"))

    def test_admin_edit_records_who_changed_the_price(self, client):
        admin = User.objects.create_superuser(email="jefa@example.pe", password="x-Clave-segura-1")
        product = ProductFactory(base_price=Decimal("100"))
        variant = VariantFactory(product=product)
        client.force_login(admin)
        url = f"/admin/catalog/product/{product.pk}/change/"
        data = product_change_data(product, variants=[variant], base_price="120.00")

        response = client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        latest = PriceHistory.objects.filter(variant=variant).latest("pk")
        assert (latest.price, latest.changed_by) == (Decimal("120.00"), admin)


@pytest.mark.parametrize("link", ["/c/sofas/", "https://kallpa.pe/drops/", ""])
def test_banner_accepts_store_paths_and_https(link):
    from tests.factories import BannerFactory

    BannerFactory(target_url=link).full_clean()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example.com/", "http://kallpa.pe/", "data:text/html,x"])
def test_banner_refuses_unsafe_links(link):
    from tests.factories import BannerFactory

    with pytest.raises(ValidationError):
        BannerFactory(target_url=link).full_clean()


class TestOptionIndex:
    """ProductOptionValue mirrors the option values of each product's active variants."""

    def indexed(self, product) -> set[str]:
        from catalog.models import ProductOptionValue

        return set(ProductOptionValue.objects.filter(product=product).values_list("option_value__slug", flat=True))

    def test_follows_variant_saves_updates_m2m_and_deletes(self):
        from tests.factories import OptionFactory, OptionValueFactory

        size = OptionFactory(code="size")
        m, xl = OptionValueFactory(option=size, slug="m"), OptionValueFactory(option=size, slug="xl")
        product = ProductFactory()
        first = VariantFactory(product=product, values=[m])
        assert self.indexed(product) == {"m"}

        second = VariantFactory(product=product, values=[xl])
        assert self.indexed(product) == {"m", "xl"}

        Variant.objects.filter(pk=second.pk).update(is_active=False)
        assert self.indexed(product) == {"m"}

        first.option_values.add(xl)
        assert self.indexed(product) == {"m", "xl"}

        xl.variants.remove(first)  # from the other side of the relation
        assert self.indexed(product) == {"m"}

        first.is_active = False
        first.save()
        assert self.indexed(product) == set()

    def test_refresh_all_rebuilds_from_scratch(self):
        from catalog import option_index
        from catalog.models import ProductOptionValue
        from tests.factories import OptionValueFactory

        product = ProductFactory()
        VariantFactory(product=product, values=[OptionValueFactory(slug="l")])
        ProductOptionValue.objects.all().delete()

        option_index.refresh_all()

        assert self.indexed(product) == {"l"}
