"""Reads of promotions that pages, the cart and checkout share."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import CollectionItem, Product, ProductQuerySet
from catalog.tree import catalog_tree
from core.compiled_query import CompiledQuery, Slot
from core.money import format_money, unit_discount
from core.query_moment import Moment, QueryMoment, at_moment

from . import ports
from .exceptions import CouponRefused, Refusal
from .models import (
    AutomaticDiscount,
    Coupon,
    CouponRedemption,
    DiscountTarget,
    QuantityOffer,
    QuantityOfferTarget,
    Scope,
    ScopedPromotion,
    is_well_formed_code,
    normalize_code,
)

if TYPE_CHECKING:
    from core.actors import AuthUser

ZERO = Decimal("0.00")


def _live_discounts_for(product_ref: str, now: Moment) -> QuerySet[AutomaticDiscount]:
    covers = Exists(DiscountTarget.objects.filter(discount=OuterRef("pk"), product=OuterRef(OuterRef(product_ref))))
    return AutomaticDiscount.objects.live(now).filter(Q(scope=Scope.EVERYTHING) | covers)


def live_discount_annotations(product_ref: str = "pk", now: Moment | None = None) -> dict[str, Coalesce]:
    """Annotations for a Product or Variant queryset: the best running percentage and fixed
    automatic discount of its product (0 when none), read in the same query."""
    live = _live_discounts_for(product_ref, now or timezone.now())

    def best(kind: str) -> Coalesce:
        values = live.filter(kind=kind).order_by("-value").values("value")[:1]
        return Coalesce(
            Subquery(values, output_field=DecimalField(max_digits=12, decimal_places=2)),
            Value(ZERO),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )

    return {"auto_percent": best(AutomaticDiscount.Kind.PERCENTAGE), "auto_amount": best(AutomaticDiscount.Kind.FIXED)}


def offer_names(priced: list[tuple[int, Decimal]], now: datetime | None = None) -> list[str]:
    """For (product id, unit price) pairs, the name of the running automatic discount that takes
    the most off that price (the one live_discount_annotations' best comes from; a tie goes to the
    higher priority, as the back office says), "" when none. Two queries whatever the number."""
    product_ids = {product_id for product_id, _price in priced}
    live = list(
        AutomaticDiscount.objects.live(now or timezone.now())
        .filter(Q(scope=Scope.EVERYTHING) | Q(targets__product_id__in=product_ids))
        .distinct()
        .order_by("-priority", "-created_at", "-pk")
    )
    targeted = set(
        DiscountTarget.objects.filter(
            discount__in=[d.pk for d in live if d.scope != Scope.EVERYTHING], product_id__in=product_ids
        ).values_list("discount_id", "product_id")
    )
    names = []
    for product_id, price in priced:
        best, name = ZERO, ""
        for discount in live:
            if discount.scope != Scope.EVERYTHING and (discount.pk, product_id) not in targeted:
                continue
            is_percent = discount.kind == AutomaticDiscount.Kind.PERCENTAGE
            off = unit_discount(
                price, percent=discount.value if is_percent else ZERO, amount=ZERO if is_percent else discount.value
            )
            if off > best:  # strictly more: on a tie the earlier (higher priority) keeps its name
                best, name = off, discount.name
        names.append(name)
    return names


def scope_condition(promotion: ScopedPromotion) -> Q:
    """The products a coupon or a discount covers, as a condition on Product (a category scope
    includes its subcategories)."""
    if promotion.scope == Scope.EVERYTHING:
        return Q()
    if promotion.scope == Scope.PRODUCTS:
        return Q(pk__in=promotion.products.values("pk"))
    if promotion.scope == Scope.CATEGORIES:
        tree = catalog_tree()
        ids = {
            cid
            for root in promotion.categories.values_list("pk", flat=True)
            if root in tree.categories
            for cid in tree.descendant_ids(root)
        }
        return Q(category_id__in=ids)
    if promotion.scope == Scope.BRANDS:
        return Q(brand_id__in=promotion.brands.values("pk"))
    if promotion.scope == Scope.SELLERS:
        return Q(seller_id__in=promotion.sellers.values("pk"))
    return Q(
        pk__in=CollectionItem.objects.filter(collection__in=promotion.collections.values("pk")).values("product_id")
    )


def discount_products(discount: AutomaticDiscount) -> ProductQuerySet:
    """The products a discount covers, with their price after it (the back office's preview)."""
    return Product.objects.filter(scope_condition(discount)).select_related("brand", "category").order_by("name")


@dataclass
class CouponMatch:
    coupon: Coupon
    product_ids: set[int]  # the cart's products the coupon covers


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def coupon_usage_refusal(
    coupon: Coupon, *, customer: "AuthUser | None", email: str, exclude_order_id: int | None = None
) -> CouponRefused | None:
    """The per-customer and first-order limits for this buyer (None: within them)."""
    buyer = Q(email__iexact=email) if email else Q(pk__in=[])
    if customer is not None:
        buyer |= Q(customer=customer)
    if not email and customer is None:
        return None
    if coupon.first_order_only and ports.buyer_has_ordered(
        customer=customer, email=email, exclude_order_id=exclude_order_id
    ):
        return CouponRefused(
            Refusal.FIRST_ORDER_ONLY, _("The code %(code)s is only for a first order.") % {"code": coupon.code}
        )
    if coupon.max_uses_per_customer is not None:
        used = CouponRedemption.objects.filter(buyer, coupon=coupon, released_at__isnull=True)
        if exclude_order_id:
            used = used.exclude(order_id=exclude_order_id)
        if used.count() >= coupon.max_uses_per_customer:
            return CouponRefused(
                Refusal.ALREADY_USED, _("You have already used the code %(code)s.") % {"code": coupon.code}
            )
    return None


def coupon_window_refusal(coupon: Coupon, now: datetime) -> CouponRefused | None:
    if not coupon.is_active:
        return CouponRefused(Refusal.INACTIVE, _("The code %(code)s is no longer active.") % {"code": coupon.code})
    if now < coupon.starts_at:
        return CouponRefused(
            Refusal.NOT_YET_VALID,
            _("The code %(code)s is valid from %(date)s.") % {"code": coupon.code, "date": _when(coupon.starts_at)},
        )
    if coupon.ends_at is not None and now >= coupon.ends_at:
        return CouponRefused(
            Refusal.EXPIRED,
            _("The code %(code)s expired on %(date)s.") % {"code": coupon.code, "date": _when(coupon.ends_at)},
        )
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        return CouponRefused(Refusal.USED_UP, _("The code %(code)s has been used up.") % {"code": coupon.code})
    return None


def coupon_match(
    *,
    code: str,
    product_ids: set[int],
    goods_total: Decimal,
    customer: "AuthUser | None" = None,
    email: str = "",
    now: datetime | None = None,
) -> CouponMatch:
    """The coupon of a code and the cart's products it covers, or CouponRefused with the first
    reason it does not apply. A few queries whatever the cart's size."""
    now = now or timezone.now()
    normalized = normalize_code(code)
    if not is_well_formed_code(normalized):
        raise CouponRefused(
            Refusal.MALFORMED, _("That is not a valid coupon code: codes have 3 to 40 letters, digits or hyphens.")
        )
    coupon = Coupon.objects.filter(code=normalized).first()
    if coupon is None:
        raise CouponRefused(
            Refusal.UNKNOWN, _("We don't know the code %(code)s. Check it and try again.") % {"code": normalized}
        )
    refusal = coupon_window_refusal(coupon, now) or coupon_usage_refusal(coupon, customer=customer, email=email)
    if refusal is not None:
        raise refusal
    covered = (
        set(product_ids)
        if coupon.scope == Scope.EVERYTHING
        else set(
            Product.objects.filter(pk__in=list(product_ids))
            .filter(scope_condition(coupon))
            .values_list("pk", flat=True)
        )
    )
    if not covered:
        raise CouponRefused(
            Refusal.NOTHING_IN_SCOPE,
            _("The code %(code)s does not apply to anything in your cart.") % {"code": coupon.code},
        )
    if goods_total < coupon.minimum_purchase:
        raise CouponRefused(
            Refusal.MINIMUM_NOT_REACHED,
            _("The code %(code)s needs a purchase of at least %(minimum)s; your products add up to %(total)s.")
            % {
                "code": coupon.code,
                "minimum": format_money(coupon.minimum_purchase),
                "total": format_money(goods_total),
            },
        )
    return CouponMatch(coupon=coupon, product_ids=covered)


def running_discounts(now: datetime | None = None) -> QuerySet[AutomaticDiscount]:
    return AutomaticDiscount.objects.live(now).order_by("-priority", "-created_at")


# --- quantity offers (promotions.stacking step 2) ----------------------------------------


def _live_quantity_offers_for(product_ref: str, now: Moment) -> QuerySet[QuantityOffer]:
    covers = Exists(QuantityOfferTarget.objects.filter(offer=OuterRef("pk"), product=OuterRef(OuterRef(product_ref))))
    return (
        QuantityOffer.objects.live(now)
        .filter(Q(scope=Scope.EVERYTHING) | covers)
        .order_by("-priority", "-created_at", "-pk")
    )


def live_quantity_offer_annotation(product_ref: str = "pk", now: Moment | None = None) -> dict[str, Subquery]:
    """An annotation for a Product or Variant queryset: the id of the quantity offer that applies
    to its product now (the highest priority, then the newest), None when none; same query."""
    live = _live_quantity_offers_for(product_ref, now or timezone.now())
    return {"quantity_offer_id": Subquery(live.values("pk")[:1])}


def quantity_offers_by_id(ids: Iterable[int | None]) -> dict[int, QuantityOffer]:
    """The offers the cart's lines point at, with their gift, in one query (none when no ids)."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return {
        offer.pk: offer for offer in QuantityOffer.objects.filter(pk__in=wanted).select_related("gift_variant__product")
    }


@functools.cache
def _product_quantity_offer() -> CompiledQuery[QuantityOffer]:
    """The offer running on the product (the slot `product`) at the query's moment, with its gift:
    compiled once per process. Every render of a product page with an offer badge reads it, warm
    ones too, and building and compiling its subquery cost several times the database's answer."""
    covers = Exists(QuantityOfferTarget.objects.filter(offer=OuterRef("pk"), product_id=Slot("product")))
    return CompiledQuery(
        QuantityOffer.objects.live(QueryMoment())
        .filter(Q(scope=Scope.EVERYTHING) | covers)
        .order_by("-priority", "-created_at", "-pk")
        .select_related("gift_variant__product")[:1]
    )


def product_quantity_offer(product: Product, now: datetime | None = None) -> QuantityOffer | None:
    """The quantity offer running now on a product (the product page's), with its gift; one query."""
    with at_moment(now or timezone.now()):
        found = _product_quantity_offer().all(product=product.pk)
    return found[0] if found else None


def quantity_offer_products(offer: QuantityOffer) -> ProductQuerySet:
    return Product.objects.filter(scope_condition(offer)).select_related("brand", "category").order_by("name")
