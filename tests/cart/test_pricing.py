"""Cart prices come from the database only; kit discounts count complete sets; IGV is the
tax part of a total that includes it."""

from decimal import Decimal

import pytest

from cart.pricing import igv_included, price_cart
from cart.store import LineKey
from tests.factories import (
    KitFactory,
    KitItemFactory,
    OptionFactory,
    OptionValueFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def test_igv_is_the_tax_inside_the_price():
    assert igv_included(Decimal("118.00")) == Decimal("18.00")
    assert igv_included(Decimal("199.90")) == Decimal("30.49")
    assert igv_included(Decimal("0.00")) == Decimal("0.00")


def test_lines_are_priced_from_the_variant_and_product():
    size = OptionValueFactory(option=OptionFactory(code="size"), slug="m", value="M")
    product = ProductFactory(base_price=Decimal("100.00"), compare_at_price=Decimal("150.00"))
    variant = VariantFactory(product=product, price_modifier=Decimal("20.00"), values=[size])

    cart = price_cart({LineKey(variant.pk): 3})

    (line,) = cart.lines
    assert line.unit_price == Decimal("120.00")
    assert line.line_total == Decimal("360.00")
    assert line.saving == Decimal("150.00")  # compare-at 170.00 (150 + 20) against 120.00, three times
    assert line.options == "Talla: M"
    assert cart.total == Decimal("360.00")
    assert cart.igv == Decimal("54.92")


def test_unknown_variants_and_empty_quantities_are_left_out():
    variant = VariantFactory()
    cart = price_cart({LineKey(variant.pk): 0, LineKey(999_999): 2})
    assert cart.lines == []
    assert cart.total == Decimal("0.00")


def test_kit_discount_applies_to_complete_sets_of_required_items():
    desk = VariantFactory(product=ProductFactory(base_price=Decimal("500.00")))
    chair = VariantFactory(product=ProductFactory(base_price=Decimal("300.00")))
    lamp = VariantFactory(product=ProductFactory(base_price=Decimal("80.00")))
    kit = KitFactory(discount_percent=Decimal("10"))
    KitItemFactory(kit=kit, product=desk.product, quantity=1)
    KitItemFactory(kit=kit, product=chair.product, quantity=2)
    KitItemFactory(kit=kit, product=lamp.product, quantity=1, is_optional=True)

    one_set = price_cart({LineKey(desk.pk, kit.pk): 1, LineKey(chair.pk, kit.pk): 3, LineKey(lamp.pk, kit.pk): 1})
    assert [(d.sets, d.amount) for d in one_set.kit_discounts] == [(1, Decimal("110.00"))]  # 10 % of 500 + 2 × 300
    assert one_set.total == Decimal("500.00") + Decimal("900.00") + Decimal("80.00") - Decimal("110.00")

    # The same products bought outside the kit get no kit discount; an incomplete set neither.
    assert price_cart({LineKey(desk.pk): 1, LineKey(chair.pk): 2}).kit_discounts == []
    assert price_cart({LineKey(desk.pk, kit.pk): 1, LineKey(chair.pk, kit.pk): 1}).kit_discounts == []


def test_pricing_query_count_is_flat(django_assert_num_queries):
    kit = KitFactory(discount_percent=Decimal("5"))

    def cart_of(n):
        quantities = {}
        for _ in range(n):
            variant = VariantFactory()
            ProductImageFactory(product=variant.product)
            KitItemFactory(kit=kit, product=variant.product)
            quantities[LineKey(variant.pk, kit.pk)] = 1
        return quantities

    few, many = cart_of(1), cart_of(20)
    with django_assert_num_queries(5):
        assert len(price_cart(few).lines) == 1
    with django_assert_num_queries(5):
        assert len(price_cart(many).lines) == 20


def test_a_cart_is_priced_at_the_moment_it_is_read_not_when_its_query_was_built(monkeypatch):
    """The cart's query is built once per process (cart.pricing._cart_variants); a discount that
    ends and a drop that launches between two readings in the same process show in the second."""
    from datetime import timedelta

    from django.utils import timezone

    from cart.pricing import variants_for_cart
    from catalog.models import CollectionItem
    from promotions.models import Scope
    from tests.factories import CollectionFactory, ahead, percent_off

    on_sale = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
    drop = VariantFactory(product=ProductFactory(base_price=Decimal("80.00")))
    percent_off("10", scope=Scope.PRODUCTS, products=[on_sale.product], ends_at=ahead(hours=1))
    CollectionItem.objects.create(collection=CollectionFactory(starts_at=ahead(hours=1)), product=drop.product)
    lines = {LineKey(on_sale.pk): 1, LineKey(drop.pk): 1}

    before = variants_for_cart([on_sale.pk, drop.pk])
    assert before[on_sale.pk].auto_percent == Decimal("10.00")
    assert before[drop.pk].product.price_is_secret
    assert [line.variant.pk for line in price_cart(lines).lines] == [on_sale.pk]  # the drop cannot be bought yet
    assert price_cart(lines).total == Decimal("90.00")

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    after = variants_for_cart([on_sale.pk, drop.pk])
    assert after[on_sale.pk].auto_percent == Decimal("0.00")
    assert not after[drop.pk].product.price_is_secret
    assert price_cart(lines).total == Decimal("180.00")


def test_a_cart_s_variants_their_options_and_pictures_are_read_by_queries_compiled_once(monkeypatch):
    """The option values and first pictures were prefetched by Django, their querysets built and compiled on
    every pricing (about 1 ms of its 1.7-2): all three queries are compiled once per process now."""
    from django.db.models.sql.compiler import SQLCompiler

    from cart.pricing import variants_for_cart
    from catalog.models import Option, OptionValue, ProductImage

    size = Option.objects.create(code="size", name="Talla", order=1)
    colour = Option.objects.create(code="color", name="Color", order=0)
    polo = VariantFactory(product=ProductFactory(name="Polo Nazca"))
    polo.option_values.set(
        [
            OptionValue.objects.create(option=size, value="M", slug="m"),
            OptionValue.objects.create(option=colour, value="Negro", slug="negro"),
        ]
    )
    OptionValue.objects.create(option=size, value="L", slug="l")  # another variant's
    plain = VariantFactory()
    ProductImage.objects.create(product=polo.product, image="p/2.jpg", order=2)
    first = ProductImage.objects.create(product=polo.product, image="p/1.jpg", order=1)
    ProductImage.objects.create(product=polo.product, variant=polo, image="p/0.jpg", order=0)  # a variant's own
    variants_for_cart([plain.pk])  # this process' first pricing compiles them
    compiled = []
    original = SQLCompiler.get_select
    monkeypatch.setattr(SQLCompiler, "get_select", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))

    found = variants_for_cart([polo.pk, plain.pk])
    assert compiled == []
    assert found[polo.pk].option_label == "Negro, M" and found[polo.pk].options_named == "Color: Negro · Talla: M"
    assert [image.pk for image in found[polo.pk].product.card_images][0] == first.pk
    assert found[plain.pk].option_label == "" and found[plain.pk].product.card_images == []
    assert len(found[polo.pk].product.card_images) == 2
    # A query made from them stays within the variant's own values, as after Django's prefetch.
    assert list(found[polo.pk].option_values.filter(option=size).values_list("value", flat=True)) == ["M"]
    assert not found[plain.pk].option_values.exists()


def test_the_gifts_a_cart_earns_are_judged_at_the_moment_they_are_read(monkeypatch):
    """gifts_earned's query is built once per process too: an offer that ends between two readings
    in the same process earns no gift in the second."""
    from datetime import timedelta

    from django.utils import timezone

    from cart.pricing import gifts_earned
    from promotions.models import QuantityOffer, Scope
    from promotions.services import quantity_offer_create
    from tests.factories import ahead

    bought = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
    gift = VariantFactory(product=ProductFactory(base_price=Decimal("20.00")))
    offer = quantity_offer_create(
        name="Llévate una gorra",
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=2,
        gift_variant=gift,
        scope=Scope.PRODUCTS,
        products=[bought.product],
        ends_at=ahead(hours=1),
    )
    lines = {LineKey(bought.pk): 2}
    assert set(gifts_earned(lines)) == {offer.pk}

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert gifts_earned(lines) == {}
