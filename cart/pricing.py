"""What a cart costs, always from the database: the cart holds only variant ids, kit ids and
quantities, never a price, so nothing a shopper posts can change what they pay.

Prices include IGV (18 %); the IGV shown is the part of the total that is tax. A kit's
discount applies to the complete sets of its required items bought as that kit [000]."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import OuterRef, Prefetch, QuerySet
from django.utils import timezone

from catalog.models import (
    Kit,
    KitItem,
    ProductImage,
    Variant,
    launch_awaited,
)
from catalog.prices import ShownPrice, shown_price
from catalog.selectors import option_values_prefetched
from core.compiled_query import CompiledQuery, InSlot
from core.money import igv_included, to_cents
from core.query_moment import QueryMoment, at_moment
from promotions import breakdown, stacking
from promotions.exceptions import CouponRefused
from promotions.models import Coupon
from promotions.selectors import (
    coupon_match,
    live_discount_annotations,
    live_quantity_offer_annotation,
    offer_names,
    quantity_offers_by_id,
)

from .store import LineKey

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

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
    reserved_until: datetime | None = None  # when the earliest of those holds lapses
    available: int | None = None
    problem: str = ""
    # Discounts (promotions.stacking): the automatic one per unit, the kit's and the coupon's
    # share of this line in soles.
    automatic_discount: Decimal = ZERO
    automatic_discount_name: str = ""  # the offer it comes from
    kit_discount: Decimal = ZERO
    coupon_discount: Decimal = ZERO
    # The quantity offer's share of this line in soles (stacking step 2) and the offer's name;
    # for a gift's line, how many of its units are the gift, and what the cart tells about it.
    offer_discount: Decimal = ZERO
    offer_name: str = ""
    offer_terms: dict = field(default_factory=dict)  # promotions.stacking.terms_snapshot, kept on the order line
    gift_units: int = 0
    offer_note: str = ""

    @property
    def is_gift(self) -> bool:
        """A gift the cart added itself for a quantity offer (shown as "Regalo", free)."""
        return self.key.is_gift

    @property
    def product(self):
        return self.variant.product

    @property
    def gift_price(self) -> Decimal:
        """A gift line's price after its offer: S/ 0.00 for the units the offer gives."""
        return self.line_total - self.offer_discount

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price

    @property
    def sale_unit_price(self) -> Decimal:
        """The unit price after the automatic discount."""
        return self.unit_price - self.automatic_discount

    @property
    def compare_at_price(self) -> Decimal | None:
        return self.variant.compare_at_price

    @property
    def shown_price(self) -> ShownPrice:
        """One unit's price, "Antes" and saving, as the product page shows them (catalog.prices),
        with the automatic discount this cart found."""
        return shown_price(
            list_price=self.unit_price, compare_at=self.compare_at_price, automatic_discount=self.automatic_discount
        )

    @property
    def was_price(self) -> Decimal | None:
        return self.shown_price.before

    @property
    def was_total(self) -> Decimal | None:
        was = self.was_price
        return to_cents(was * self.quantity) if was else None

    @property
    def discount_percent(self) -> int:
        return self.shown_price.percent

    @property
    def list_total(self) -> Decimal:
        return to_cents(self.unit_price * self.quantity)

    @property
    def automatic_total(self) -> Decimal:
        return to_cents(self.automatic_discount * self.quantity)

    @property
    def line_total(self) -> Decimal:
        """What the line costs after its automatic discount (kit and coupon show in the summary)."""
        return self.list_total - self.automatic_total

    @property
    def net_total(self) -> Decimal:
        """After every discount: what the order line will charge."""
        return self.line_total - self.offer_discount - self.kit_discount - self.coupon_discount

    @property
    def saving(self) -> Decimal:
        return to_cents(self.shown_price.saving * self.quantity)

    @property
    def options(self) -> str:
        return self.variant.options_named

    @property
    def weight_kg(self) -> Decimal:
        return self.variant.product.weight_kg * self.quantity


@dataclass(frozen=True)
class GiftDue:
    """A gift offer the cart's lines earn now: the units bought that count, the gift units they
    earn, and the gift variant; the cart service keeps a gift line to match (cart.services)."""

    offer_id: int
    offer_name: str
    variant_id: int
    bought: int
    earned: int


@dataclass
class KitDiscount:
    kit: Kit
    sets: int
    amount: Decimal


@dataclass
class CartSummary:
    lines: list[CartLine] = field(default_factory=list)
    kit_discounts: list[KitDiscount] = field(default_factory=list)
    coupon: Coupon | None = None  # the applied coupon, when it applies
    coupon_refusal: str = ""  # why the code kept for this cart does not apply (now)
    coupon_refused: CouponRefused | None = None  # the same refusal with its reason
    # Lines of products whose price is still secret (they await a launch): shown without a
    # price, counted in no total, never ordered.
    waiting: list[CartLine] = field(default_factory=list)
    gifts_due: dict[int, GiftDue] = field(default_factory=dict)  # by offer id
    gift_notes: list[str] = field(default_factory=list)  # gifts earned but sold out (cart.selectors)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        """Before any discount."""
        return sum((line.list_total for line in self.lines), ZERO)

    @property
    def automatic_discount(self) -> Decimal:
        return sum((line.automatic_total for line in self.lines), ZERO)

    @property
    def offer_discount(self) -> Decimal:
        return sum((line.offer_discount for line in self.lines), ZERO)

    @property
    def kit_discount(self) -> Decimal:
        return sum((d.amount for d in self.kit_discounts), ZERO)

    @property
    def coupon_discount(self) -> Decimal:
        return sum((line.coupon_discount for line in self.lines), ZERO)

    @property
    def goods_total(self) -> Decimal:
        """The products after automatic and kit discounts: what a coupon's minimum is checked against."""
        return self.subtotal - self.automatic_discount - self.offer_discount - self.kit_discount

    @property
    def discount(self) -> Decimal:
        return self.automatic_discount + self.offer_discount + self.kit_discount + self.coupon_discount

    @property
    def discount_sources(self) -> list[stacking.DiscountSource]:
        """The discount, one line per source (each offer, each kit, the coupon): they add up to
        `discount` to the cent. A free-shipping coupon is not here: it shows against shipping."""
        kit_labels = {d.kit.pk: breakdown.kit_label(d.kit.name, d.kit.discount_percent) for d in self.kit_discounts}
        coupon = ""
        if self.coupon is not None:
            percent = self.coupon.value if self.coupon.kind == Coupon.Kind.PERCENTAGE else None
            coupon = breakdown.coupon_label(self.coupon.code, percent=percent)
        parts = [
            ("offer", breakdown.offer_label(line.automatic_discount_name), line.automatic_total) for line in self.lines
        ]
        parts += [
            ("offer", breakdown.quantity_offer_label(line.offer_name), line.offer_discount)
            for line in self.lines
            if line.offer_discount
        ]
        parts += [
            ("kit", kit_labels[line.kit.pk], line.kit_discount)
            for line in self.lines
            if line.kit_discount and line.kit is not None  # only a kit's line has a kit discount
        ]
        parts += [("coupon", coupon, line.coupon_discount) for line in self.lines]
        return stacking.discount_sources(parts)

    @property
    def free_shipping(self) -> bool:
        return self.coupon is not None and self.coupon.kind == Coupon.Kind.FREE_SHIPPING

    def shipping_price(self, quoted: Decimal) -> Decimal:
        return ZERO if self.free_shipping else quoted

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    @property
    def igv(self) -> Decimal:
        return igv_included(self.total)

    @property
    def savings(self) -> Decimal:
        """Every saving: what the lines' "Antes" prices save (the automatic discount included) and
        the offers', kits' and coupon's discounts."""
        compare_at = sum((line.saving for line in self.lines), ZERO) - self.automatic_discount
        return compare_at + self.discount

    @property
    def before_total(self) -> Decimal:
        """What the lines cost at their "Antes" prices: the total with every saving added back."""
        return self.total + self.savings

    @property
    def weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.lines), Decimal("0"))

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


class CartVariantExtras(TypedDict):
    """What variants_for_cart reads with each variant: its product's running automatic discounts
    and quantity offer, and the launch that keeps its price secret."""

    auto_percent: Decimal
    auto_amount: Decimal
    quantity_offer_id: int | None
    product_price_reveal_at: datetime | None


class GiftEarningExtras(TypedDict):
    """What gifts_earned reads with each variant: its product's running quantity offer, and the
    launch that keeps its price secret."""

    quantity_offer_id: int | None
    price_reveal_at: datetime | None


@functools.cache
def _cart_variants() -> "CompiledQuery[WithAnnotations[Variant, CartVariantExtras]]":
    """Variants (the slot `ids`) with their product's running automatic discounts and quantity offer
    and the launch that keeps its price secret: compiled once per process (building and compiling these
    subqueries is most of a cart's pricing), judged at the moment each query runs (core.query_moment)."""
    now = QueryMoment()
    variants = (
        Variant.objects.annotate(
            **live_discount_annotations("product_id", now),
            **live_quantity_offer_annotation("product_id", now),
            product_price_reveal_at=launch_awaited(OuterRef("product_id"), now=now),
        )
        .select_related("product__brand")
        .filter(InSlot("pk", "ids"))
    )
    # The annotations' types are their output fields', which the checker cannot read from them.
    return CompiledQuery(cast("QuerySet[WithAnnotations[Variant, CartVariantExtras]]", variants))


@functools.cache
def _cart_first_images() -> CompiledQuery[ProductImage]:
    """The products' (the slot `ids`) general pictures, in their order: a line's picture is the first."""
    return CompiledQuery(
        ProductImage.objects.filter(InSlot("product_id", "ids"), variant__isnull=True).order_by("order", "pk")
    )


def variants_for_cart(variant_ids: Iterable[int]) -> "dict[int, WithAnnotations[Variant, CartVariantExtras]]":
    """Variants with what a cart line shows (their option values, their product's first pictures as
    `card_images`), in three queries whatever their number."""
    with at_moment(timezone.now()):
        found = _cart_variants().all(ids=sorted(variant_ids))
    if not found:
        return {}
    option_values_prefetched(found)
    images_of: dict[int, list[ProductImage]] = {variant.product_id: [] for variant in found}
    for image in _cart_first_images().all(ids=list(images_of)):
        images_of[image.product_id].append(image)
    for variant in found:
        variant.product.price_reveal_at = variant.product_price_reveal_at  # what Product.price_is_secret reads
        variant.product.card_images = images_of[variant.product_id]  # type: ignore[attr-defined]
    return {variant.pk: variant for variant in found}


def kits_for_cart(kit_ids: Iterable[int]) -> dict[int, Kit]:
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
        # The discount is on the required items of each complete set, at the prices they carry
        # in the cart after their automatic discount (promotions.stacking, step 3).
        base_per_line: dict[LineKey, Decimal] = {}
        for item in required:
            lines_of_item = sorted(in_kit[item.product_id], key=lambda line: line.sale_unit_price)
            remaining = item.quantity * sets
            for line in lines_of_item:
                take = min(remaining, line.quantity)
                base_per_line[line.key] = base_per_line.get(line.key, ZERO) + line.sale_unit_price * take
                remaining -= take
        amount = to_cents(sum(base_per_line.values(), ZERO) * kit.discount_percent / 100)
        keys = list(base_per_line)
        for key, part in zip(keys, stacking.allocate(amount, [base_per_line[k] for k in keys])):
            next(line for line in lines if line.key == key).kit_discount += part
        discounts.append(KitDiscount(kit=kit, sets=sets, amount=amount))
    return discounts


def _apply_coupon(summary: CartSummary, code: str, *, customer, email: str) -> None:
    """Step 4 of promotions.stacking: the coupon's share of each in-scope line, or the reason it
    does not apply kept on the summary."""
    try:
        match = coupon_match(
            code=code,
            product_ids={line.product.pk for line in summary.lines},
            goods_total=summary.goods_total,
            customer=customer,
            email=email,
        )
    except CouponRefused as refusal:
        summary.coupon_refusal, summary.coupon_refused = refusal.message, refusal
        return
    summary.coupon = match.coupon
    in_scope = [line for line in summary.lines if line.product.pk in match.product_ids]
    terms = stacking.CouponTerms(kind=match.coupon.kind, value=match.coupon.value)
    shares = stacking.coupon_discounts(
        terms, [line.line_total - line.offer_discount - line.kit_discount for line in in_scope]
    )
    for line, share in zip(in_scope, shares):
        line.coupon_discount = share


def _offer_terms(offer) -> stacking.QuantityTerms:
    return stacking.QuantityTerms(
        kind=offer.kind,
        buy=offer.buy_quantity,
        pay=offer.pay_quantity or 0,
        percent=offer.percent or ZERO,
        gift_quantity=offer.gift_quantity,
    )


def _apply_quantity_offers(lines: list[CartLine]) -> dict[int, GiftDue]:
    """Step 2 of promotions.stacking. Each line's product carries the id of its running offer
    (annotated in the variants query), so a cart without offers costs no query and one with any
    number of them costs one. Kits' lines are left out, and the cart's own gift lines neither
    earn nor join an offer. Returns the gifts the lines earn, by offer."""
    loose = [line for line in lines if line.kit is None]
    offers = quantity_offers_by_id(
        getattr(line.variant, "quantity_offer_id", None) for line in loose if not line.is_gift
    )
    if not offers:
        return {}
    gift_keys: set[LineKey] = {line.key for line in loose if line.is_gift}
    due: dict[int, GiftDue] = {}
    for offer in sorted(offers.values(), key=lambda o: o.pk):
        if offer.kind == offer.Kind.BUY_X_GET_GIFT:
            gift = _give_gift(offer, loose, taken=gift_keys)
            if gift.earned:
                due[offer.pk] = gift
    groups: dict[int, list[CartLine]] = {}
    for line in loose:
        offer_id: int | None = getattr(line.variant, "quantity_offer_id", None)  # annotated by the queries
        running = offers.get(offer_id) if offer_id is not None else None
        if running is not None and running.kind != running.Kind.BUY_X_GET_GIFT and line.key not in gift_keys:
            groups.setdefault(running.pk, []).append(line)
    for offer_id, group in sorted(groups.items()):
        _discount_pooled_units(offers[offer_id], group)
    return due


def _give_gift(offer, loose: list[CartLine], *, taken: set[LineKey]) -> GiftDue:
    """A gift offer: the gift variant's lines are free up to the units the bought ones earn (the
    gift's own units never count towards earning it), the offer's own gift line first, then a
    line the shopper added (its units beyond those earned are charged). Adds the lines it
    prices to `taken`."""
    earning = [
        line
        for line in loose
        if getattr(line.variant, "quantity_offer_id", None) == offer.pk
        and line.variant.pk != offer.gift_variant_id
        and not line.is_gift
    ]
    bought = sum(line.quantity for line in earning)
    terms = _offer_terms(offer)
    earned = free = stacking.gift_units(terms, bought=bought)
    if earned:  # the lines that earn it and the gift keep the offer, so a return knows what the gift needs
        snapshot = stacking.terms_snapshot(terms, offer_id=offer.pk)
        for line in earning:
            line.offer_terms = snapshot
    own = [line for line in loose if line.key.gift_offer_id == offer.pk and line.variant.pk == offer.gift_variant_id]
    added = [line for line in loose if line.variant.pk == offer.gift_variant_id and line.key not in taken]
    for line in own + added:
        taken.add(line.key)
        take = min(free, line.quantity)
        free -= take
        _price_gift_line(line, offer, terms, take=take, earned=earned, own=line in own)
    return GiftDue(
        offer_id=offer.pk, offer_name=offer.name, variant_id=offer.gift_variant_id, bought=bought, earned=earned
    )


def _price_gift_line(line: CartLine, offer, terms, *, take: int, earned: int, own: bool) -> None:
    """`take` of the line's units free, with the note that says why any others are charged."""
    line.gift_units, line.offer_name = take, offer.name
    line.offer_discount = to_cents(line.sale_unit_price * take)
    line.offer_terms = stacking.terms_snapshot(terms, offer_id=offer.pk) if take else {}
    if take < line.quantity:
        line.offer_note = breakdown.gift_note(offer_name=offer.name, free=take, buy=offer.buy_quantity)
    elif line.is_gift and take < earned and own:
        line.offer_note = breakdown.gift_short_note(offer_name=offer.name, given=take, earned=earned)


def _discount_pooled_units(offer, group: list[CartLine]) -> None:
    """An N-for-M or Nth-unit offer over its lines' units pooled (the cheapest free or discounted),
    spread over the lines by their amounts: every unit pays the same fraction of its price."""
    prices = [line.sale_unit_price for line in group for _unit in range(line.quantity)]
    terms = _offer_terms(offer)
    total = stacking.quantity_discount(terms, prices)
    for line, share in zip(group, stacking.allocate(total, [line.line_total for line in group])):
        line.offer_discount, line.offer_name = share, offer.name if share else ""
        line.offer_terms = stacking.terms_snapshot(terms, offer_id=offer.pk) if share else {}


def _name_offers(discounted: list[CartLine]) -> None:
    """Each discounted line's offer by its name (two queries, only when a line has an offer)."""
    if discounted:
        names = offer_names([(line.product.pk, line.unit_price) for line in discounted])
        for line, name in zip(discounted, names):
            line.automatic_discount_name = name


def price_cart(quantities: dict[LineKey, int], *, coupon_code: str = "", customer=None, email: str = "") -> CartSummary:
    """The priced cart for stored quantities, with its automatic and kit discounts and the
    coupon of coupon_code when it applies; lines whose variant is gone are left out, and those
    whose price is still secret are kept apart (waiting)."""
    variants = variants_for_cart({key.variant_id for key in quantities})
    kits = kits_for_cart({key.kit_id for key in quantities if key.kit_id})
    lines, waiting = [], []
    for key, quantity in sorted(quantities.items()):
        variant = variants.get(key.variant_id)
        if variant is None or quantity <= 0:
            continue
        images = getattr(variant.product, "card_images", [])
        image = images[0] if images else None
        kit = kits.get(key.kit_id) if key.kit_id is not None else None
        if variant.product.price_is_secret:
            waiting.append(CartLine(key=key, variant=variant, quantity=quantity, kit=kit, image=image))
            continue
        automatic = stacking.unit_discount(variant.price, percent=variant.auto_percent, amount=variant.auto_amount)
        lines.append(
            CartLine(
                key=key,
                variant=variant,
                quantity=quantity,
                kit=kit,
                image=image,
                automatic_discount=automatic,
            )
        )
    _name_offers([line for line in lines if line.automatic_discount])
    gifts_due = _apply_quantity_offers(lines)
    summary = CartSummary(lines=lines, kit_discounts=_kit_discounts(lines), waiting=waiting, gifts_due=gifts_due)
    if coupon_code and lines:
        _apply_coupon(summary, coupon_code, customer=customer, email=email)
    return summary


@functools.cache
def _gift_earning_variants() -> "CompiledQuery[WithAnnotations[Variant, GiftEarningExtras]]":
    """Variants (the slot `ids`) with their product's running quantity offer and the launch that
    keeps its price secret, compiled once per process like _cart_variants."""
    now = QueryMoment()
    found = (
        Variant.objects.annotate(
            **live_quantity_offer_annotation("product_id", now),
            price_reveal_at=launch_awaited(OuterRef("product_id"), now=now),
        )
        .select_related("product")
        .only("pk", "price_modifier", "product__base_price")
        .filter(InSlot("pk", "ids"))
    )
    # Annotations spread from a dict, which the checker cannot read.
    return CompiledQuery(cast("QuerySet[WithAnnotations[Variant, GiftEarningExtras]]", found))


def gifts_earned(quantities: dict[LineKey, int]) -> dict[int, GiftDue]:
    """The gifts these lines earn, by offer, as price_cart finds them (summary.gifts_due) but
    without pricing the cart: one query for the lines' offers, one more only when any runs."""
    loose = {key: quantity for key, quantity in quantities.items() if not key.kit_id and quantity > 0}
    if not loose:
        return {}
    with at_moment(timezone.now()):
        found = _gift_earning_variants().all(ids=sorted({key.variant_id for key in loose}))
    variants = {variant.pk: variant for variant in found}
    lines = [
        CartLine(key=key, variant=variants[key.variant_id], quantity=quantity)
        for key, quantity in sorted(loose.items())
        if key.variant_id in variants and variants[key.variant_id].price_reveal_at is None
    ]
    return _apply_quantity_offers(lines)


def price_kit(*, kit: Kit, quantities: dict[int, int]) -> CartSummary:
    """What the cart will charge for these variants ({variant id: units}) added as this kit: the
    lines add-to-cart writes, priced by price_cart, so the kit page shows the cart's total."""
    return price_cart({LineKey(variant_id, kit.pk): quantity for variant_id, quantity in quantities.items()})
