"""What a cart costs, always from the database: the cart holds only variant ids, kit ids and
quantities, never a price, so nothing a shopper posts can change what they pay.

Prices include IGV (18 %); the IGV shown is the part of the total that is tax. A kit's
discount applies to the complete sets of its required items bought as that kit [000]."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from core.money import igv_included, to_cents

from catalog.models import Kit, KitItem, OptionValue, ProductImage, Variant

from .store import LineKey

ZERO = Decimal("0.00")


@dataclass
class CartLine:
    key: LineKey
    variant: Variant
    quantity: int
    kit: Kit | None = None
    image: ProductImage | None = None
    # Filled from inventory by the cart service: units held for this cart, units still to be had.
    reserved: int = 0
    available: int | None = None
    problem: str = ""

    @property
    def product(self):
        return self.variant.product

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price

    @property
    def compare_at_price(self) -> Decimal | None:
        return self.variant.compare_at_price

    @property
    def line_total(self) -> Decimal:
        return to_cents(self.unit_price * self.quantity)

    @property
    def saving(self) -> Decimal:
        compare = self.compare_at_price
        return to_cents((compare - self.unit_price) * self.quantity) if compare and compare > self.unit_price else ZERO

    @property
    def options(self) -> str:
        return " · ".join(f"{value.option.name}: {value.value}" for value in self.variant.option_values.all())

    @property
    def weight_kg(self) -> Decimal:
        return self.variant.product.weight_kg * self.quantity


@dataclass
class KitDiscount:
    kit: Kit
    sets: int
    amount: Decimal


@dataclass
class CartSummary:
    lines: list[CartLine] = field(default_factory=list)
    kit_discounts: list[KitDiscount] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((d.amount for d in self.kit_discounts), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    @property
    def igv(self) -> Decimal:
        return igv_included(self.total)

    @property
    def savings(self) -> Decimal:
        return sum((line.saving for line in self.lines), ZERO) + self.discount

    @property
    def weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.lines), Decimal("0"))

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


def variants_for_cart(variant_ids) -> dict[int, Variant]:
    """Variants with what a cart line shows, in three queries whatever their number."""
    first_images = Prefetch(
        "product__images", queryset=ProductImage.objects.filter(variant__isnull=True).order_by("order", "pk"),
        to_attr="card_images",
    )
    return {
        variant.pk: variant
        for variant in Variant.objects.filter(pk__in=list(variant_ids))
        .select_related("product__brand")
        .prefetch_related(Prefetch("option_values", queryset=OptionValue.objects.select_related("option")), first_images)
    }


def kits_for_cart(kit_ids) -> dict[int, Kit]:
    if not kit_ids:
        return {}
    return {
        kit.pk: kit
        for kit in Kit.objects.filter(pk__in=list(kit_ids)).prefetch_related(
            Prefetch("items", queryset=KitItem.objects.order_by("order", "pk"))
        )
    }


def _kit_discounts(lines: list[CartLine]) -> list[KitDiscount]:
    discounts = []
    kits = {line.kit.pk: line.kit for line in lines if line.kit is not None}
    for kit in kits.values():
        if not kit.discount_percent:
            continue
        in_kit: dict[int, list[CartLine]] = {}
        for line in lines:
            if line.kit is not None and line.kit.pk == kit.pk:
                in_kit.setdefault(line.variant.product_id, []).append(line)
        required = [item for item in kit.items.all() if not item.is_optional]
        if not required:
            continue
        sets = min(sum(line.quantity for line in in_kit.get(item.product_id, [])) // item.quantity for item in required)
        if sets <= 0:
            continue
        # The discount is on the required items of each complete set, at the prices they carry in the cart.
        base = ZERO
        for item in required:
            lines_of_item = sorted(in_kit[item.product_id], key=lambda line: line.unit_price)
            remaining = item.quantity * sets
            for line in lines_of_item:
                take = min(remaining, line.quantity)
                base += line.unit_price * take
                remaining -= take
        discounts.append(KitDiscount(kit=kit, sets=sets, amount=to_cents(base * kit.discount_percent / 100)))
    return discounts


def price_cart(quantities: dict[LineKey, int]) -> CartSummary:
    """The priced cart for stored quantities; lines whose variant is gone are left out."""
    variants = variants_for_cart({key.variant_id for key in quantities})
    kits = kits_for_cart({key.kit_id for key in quantities if key.kit_id})
    lines = []
    for key, quantity in sorted(quantities.items()):
        variant = variants.get(key.variant_id)
        if variant is None or quantity <= 0:
            continue
        images = getattr(variant.product, "card_images", [])
        lines.append(CartLine(key=key, variant=variant, quantity=quantity, kit=kits.get(key.kit_id),
                              image=images[0] if images else None))
    return CartSummary(lines=lines, kit_discounts=_kit_discounts(lines))
