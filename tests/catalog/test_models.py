from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from catalog.models import Category, PriceHistory, Product, Variant
from catalog.services import (
    product_facets_rebuild,
    product_prices_set,
    product_save,
    products_set_category,
    variant_save,
    variants_create,
    variants_set_active,
)
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory, product_change_data

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
    """Every price a catalog service changes leaves a row (catalog.services.products)."""

    def prices(self, variant):
        return list(PriceHistory.objects.filter(variant=variant).order_by("pk").values_list("previous_price", "price"))

    def test_every_service_that_changes_a_price_leaves_a_row(self):
        product = ProductFactory(base_price=Decimal("100"))
        variant = VariantFactory(product=product)  # created: None → 100
        product.base_price = Decimal("90")
        product_save(product=product)  # 100 → 90
        product_prices_set(prices={product.pk: Decimal("80")})  # 90 → 80
        variant.refresh_from_db()
        variant.price_modifier = Decimal("10")
        variant_save(variant=variant)  # 80 → 90

        assert self.prices(variant) == [
            (None, Decimal("100")),
            (Decimal("100"), Decimal("90")),
            (Decimal("90"), Decimal("80")),
            (Decimal("80"), Decimal("90")),
        ]
        assert list(PriceHistory.objects.filter(variant=variant).order_by("pk").values_list("source", flat=True)) == [
            "variant",
            "product",
            "bulk",
            "variant",
        ]

    def test_a_base_price_change_is_recorded_for_each_variant_at_its_own_price(self):
        product = ProductFactory(base_price=Decimal("100"))
        small = VariantFactory(product=product)
        large = VariantFactory(product=product, price_modifier=Decimal("15"))
        product.base_price = Decimal("120")
        product_save(product=product)
        assert self.prices(small)[-1] == (Decimal("100"), Decimal("120"))
        assert self.prices(large)[-1] == (Decimal("115"), Decimal("135"))

    def test_unchanged_price_adds_nothing(self):
        product = ProductFactory()
        variant = VariantFactory(product=product)
        product.name = "Otro nombre"
        product_save(product=product)
        assert product_prices_set(prices={product.pk: product.base_price}) == 0
        variant.order = 3
        variant_save(variant=variant)
        assert len(self.prices(variant)) == 1

    def test_variants_created_in_bulk_get_their_first_price(self):
        product = ProductFactory(base_price=Decimal("50"))
        variants_create(
            variants=[
                Variant(product=product, sku="B-1"),
                Variant(product=product, sku="B-2", price_modifier=Decimal("5")),
            ]
        )
        assert sorted(PriceHistory.objects.values_list("price", flat=True)) == [Decimal("50"), Decimal("55")]

    def test_actor_is_recorded(self):
        manager = UserFactory()
        product = ProductFactory()
        variant = VariantFactory(product=product)
        product_prices_set(prices={product.pk: Decimal("1")}, actor=manager)
        assert PriceHistory.objects.filter(variant=variant).latest("pk").changed_by == manager

    def test_a_negative_price_is_refused_and_nothing_is_written(self):
        product = ProductFactory(base_price=Decimal("100"))
        other = ProductFactory(base_price=Decimal("100"))
        VariantFactory(product=product)
        rows = PriceHistory.objects.count()
        with pytest.raises(ValidationError):
            product_prices_set(prices={other.pk: Decimal("90"), product.pk: Decimal("-1")})
        assert set(Product.objects.values_list("base_price", flat=True)) == {Decimal("100")}
        assert PriceHistory.objects.count() == rows

    def test_a_list_price_left_below_the_new_price_is_dropped(self):
        product = ProductFactory(base_price=Decimal("100"), compare_at_price=Decimal("120"))
        product_prices_set(prices={product.pk: Decimal("130")})
        product.refresh_from_db()
        assert (product.base_price, product.compare_at_price) == (Decimal("130"), None)

    def test_setting_many_prices_takes_the_same_queries_as_one(self, django_assert_num_queries):
        one = [ProductFactory(base_price=Decimal("100"))]
        many = [ProductFactory(base_price=Decimal("100")) for _ in range(6)]
        for product in [*one, *many]:
            VariantFactory(product=product)
        # lock and read, the products the update writes (marked: catalog.catalog_version; their categories'
        # kept counts were made not current by their creation, in this test's transaction too), update, read
        # the variants, insert the history rows (+ savepoint)
        with django_assert_num_queries(7):
            assert product_prices_set(prices={p.pk: Decimal("90") for p in one}) == 1
        with django_assert_num_queries(7):
            assert product_prices_set(prices={p.pk: Decimal("90") for p in many}) == 6
        assert PriceHistory.objects.filter(price=Decimal("90")).count() == 7

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
        assert (latest.price, latest.changed_by, latest.source) == (Decimal("120.00"), admin, "product")


@pytest.mark.parametrize("link", ["/c/sofas/", "https://kallpa.pe/drops/", ""])
def test_banner_accepts_store_paths_and_https(link):
    from tests.factories import BannerFactory

    BannerFactory(target_url=link).full_clean()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "//evil.example.com/", "http://kallpa.pe/", "data:text/html,x"]
)
def test_banner_refuses_unsafe_links(link):
    from tests.factories import BannerFactory

    with pytest.raises(ValidationError):
        BannerFactory(target_url=link).full_clean()


class TestOptionIndex:
    """ProductOptionValue mirrors the option values of each product's active variants."""

    def indexed(self, product) -> set[str]:
        from catalog.models import ProductOptionValue

        return set(ProductOptionValue.objects.filter(product=product).values_list("option_value__slug", flat=True))

    def test_follows_variant_saves_activation_and_option_values(self):
        from tests.factories import OptionFactory, OptionValueFactory

        size = OptionFactory(code="size")
        m, xl = OptionValueFactory(option=size, slug="m"), OptionValueFactory(option=size, slug="xl")
        product = ProductFactory()
        first = VariantFactory(product=product, values=[m])
        assert self.indexed(product) == {"m"}

        second = VariantFactory(product=product, values=[xl])
        assert self.indexed(product) == {"m", "xl"}

        assert variants_set_active(variant_ids=[second.pk], active=False) == 1
        assert self.indexed(product) == {"m"}

        variant_save(variant=first, option_values=[m, xl])
        assert self.indexed(product) == {"m", "xl"}

        variant_save(variant=first, option_values=[m])
        assert self.indexed(product) == {"m"}

        assert variants_set_active(variant_ids=[second.pk], active=True) == 1
        assert self.indexed(product) == {"m", "xl"}

        first.is_active = False
        variant_save(variant=first)
        assert self.indexed(product) == {"xl"}

        assert variants_set_active(variant_ids=[first.pk, second.pk], active=False) == 1
        assert self.indexed(product) == set()

    def test_a_variant_moved_to_another_product_leaves_the_first_one(self):
        from tests.factories import OptionValueFactory

        first, second = ProductFactory(), ProductFactory()
        variant = VariantFactory(product=first, values=[OptionValueFactory(slug="s")])
        variant.product = second
        variant_save(variant=variant)
        assert (self.indexed(first), self.indexed(second)) == (set(), {"s"})

    def test_rows_carry_the_product_category_after_it_moves(self):
        from catalog.models import ProductOptionValue
        from tests.factories import OptionValueFactory

        product, elsewhere = ProductFactory(), CategoryFactory()
        VariantFactory(product=product, values=[OptionValueFactory(slug="s")])
        assert products_set_category(product_ids=[product.pk], category_id=elsewhere.pk) == 1
        assert set(ProductOptionValue.objects.filter(product=product).values_list("category_id", flat=True)) == {
            elsewhere.pk
        }
        product.refresh_from_db()
        product.category = CategoryFactory()
        product_save(product=product)
        assert set(ProductOptionValue.objects.filter(product=product).values_list("category_id", flat=True)) == {
            product.category_id
        }

    def test_activation_takes_the_same_queries_for_one_variant_and_many(self, django_assert_num_queries):
        from tests.factories import OptionValueFactory

        value = OptionValueFactory(slug="u")
        one = [VariantFactory(values=[value])]
        many = [VariantFactory(values=[value]) for _ in range(5)]
        # product ids, the products the update writes (marked: catalog.catalog_version; their categories'
        # kept counts were made not current by their creation, in this test's transaction too), update, then
        # the index: delete, read, insert (each with its savepoints)
        with django_assert_num_queries(10):
            assert variants_set_active(variant_ids=[v.pk for v in one], active=False) == 1
        with django_assert_num_queries(10):
            assert variants_set_active(variant_ids=[v.pk for v in many], active=False) == 5

    def test_refresh_all_rebuilds_from_scratch(self):
        from catalog.models import ProductOptionValue
        from tests.factories import OptionValueFactory

        product = ProductFactory()
        VariantFactory(product=product, values=[OptionValueFactory(slug="l")])
        ProductOptionValue.objects.all().delete()

        product_facets_rebuild()

        assert self.indexed(product) == {"l"}
