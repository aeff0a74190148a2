"""Every write to promotions: keyword-only arguments, one transaction each.

Coupon uses are taken in the order's own transaction with a conditional UPDATE on the
coupon's row (no use is counted past max_uses, whatever the concurrency); that row lock then
queues the other checkouts of the same coupon, so the per-customer and first-order checks
that follow see every committed redemption. A use is given back when an unpaid order is
cancelled (orders.services calls coupon_release), and taken again by coupon_use_retake when a
late payment revives that order."""

import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Variant
from catalog.services import product_promo_badges_set, product_promotions_set

from . import enqueue
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
    normalize_code,
)
from .selectors import coupon_usage_refusal, coupon_window_refusal, scope_condition

if TYPE_CHECKING:
    from core.actors import AuthUser

ZERO = Decimal("0.00")


# --- automatic discounts ----------------------------------------------------------------


def discount_targets_sync(*, discount: AutomaticDiscount) -> None:
    """Make the discount's DiscountTarget rows the products its scope covers now."""
    with transaction.atomic():
        current = set(DiscountTarget.objects.filter(discount=discount).values_list("product_id", flat=True))
        wanted = (
            set()
            if discount.scope == Scope.EVERYTHING
            else set(Product.objects.filter(scope_condition(discount)).values_list("pk", flat=True))
        )
        if current - wanted:
            DiscountTarget.objects.filter(discount=discount, product_id__in=current - wanted).delete()
        DiscountTarget.objects.bulk_create(
            [DiscountTarget(discount=discount, product_id=pk) for pk in sorted(wanted - current)],
            ignore_conflicts=True,
        )


def discount_prices_sync(*, now: datetime | None = None) -> int:
    """Store on each product the best automatic discount running now (what listings sort and
    filter on); returns how many products changed. Run when a discount is saved and by beat at
    the windows' boundaries; the cart and checkout never wait for it (they read the discounts)."""
    now = now or timezone.now()
    live = AutomaticDiscount.objects.live(now)
    percent_kind, amount_kind = AutomaticDiscount.Kind.PERCENTAGE, AutomaticDiscount.Kind.FIXED
    wanted: dict[int, tuple[Decimal, Decimal]] = {}
    everywhere = live.filter(scope=Scope.EVERYTHING).aggregate(
        percent=Max("value", filter=Q(kind=percent_kind)), amount=Max("value", filter=Q(kind=amount_kind))
    )
    rows = (
        DiscountTarget.objects.filter(discount__in=live)
        .values("product_id")
        .annotate(
            percent=Max("discount__value", filter=Q(discount__kind=percent_kind)),
            amount=Max("discount__value", filter=Q(discount__kind=amount_kind)),
        )
        .order_by()
    )
    for row in rows:
        wanted[row["product_id"]] = (row["percent"] or ZERO, row["amount"] or ZERO)
    base_percent, base_amount = everywhere["percent"] or ZERO, everywhere["amount"] or ZERO
    stored = Product.objects.filter(Q(promo_percent__gt=0) | Q(promo_amount__gt=0) | Q(pk__in=list(wanted)))
    if base_percent or base_amount:
        stored = Product.objects.all()
    changes: dict[int, tuple[Decimal, Decimal]] = {}
    for pk, percent, amount in stored.values_list("pk", "promo_percent", "promo_amount"):
        target = wanted.get(pk, (ZERO, ZERO))
        target = (max(target[0], base_percent), max(target[1], base_amount))
        if (percent, amount) != target:
            changes[pk] = target
    if changes:
        product_promotions_set(promotions=changes)
    return len(changes)


def discount_changed(*, discount: AutomaticDiscount) -> None:
    """After a discount is created or edited (its scope included): its products, the stored
    prices, and a price refresh at its future start and end."""
    with transaction.atomic():
        discount_targets_sync(discount=discount)
        discount_prices_sync()
    _refresh_at_window_edges(discount)


def discounts_refresh() -> int:
    """Beat's safety net: every limited discount's products again (a product may have joined a
    category or a collection since) and the stored prices."""
    with transaction.atomic():
        for discount in AutomaticDiscount.objects.exclude(scope=Scope.EVERYTHING).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())
        ):
            discount_targets_sync(discount=discount)
        for offer in QuantityOffer.objects.exclude(scope=Scope.EVERYTHING).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())
        ):
            quantity_offer_targets_sync(offer=offer)
        quantity_offer_badges_sync()
        return discount_prices_sync()


# --- quantity offers (promotions.stacking step 2) -----------------------------------------


def quantity_offer_targets_sync(*, offer: QuantityOffer) -> None:
    """Make the offer's QuantityOfferTarget rows the products its scope covers now."""
    with transaction.atomic():
        current = set(QuantityOfferTarget.objects.filter(offer=offer).values_list("product_id", flat=True))
        wanted = (
            set()
            if offer.scope == Scope.EVERYTHING
            else set(Product.objects.filter(scope_condition(offer)).values_list("pk", flat=True))
        )
        if current - wanted:
            QuantityOfferTarget.objects.filter(offer=offer, product_id__in=current - wanted).delete()
        QuantityOfferTarget.objects.bulk_create(
            [QuantityOfferTarget(offer=offer, product_id=pk) for pk in sorted(wanted - current)], ignore_conflicts=True
        )


def quantity_offer_badges_sync(*, now: datetime | None = None) -> int:
    """Store on each product the badge of the quantity offer that applies to it now (the highest
    priority, then the newest), "" for none; returns how many products changed. The cards are
    cached by it, so an offer's write, start or end shows on them at once."""
    live = list(QuantityOffer.objects.live(now or timezone.now()).order_by("-priority", "-created_at", "-pk"))
    wanted: dict[int, str] = {}
    everywhere = next((offer.badge for offer in live if offer.scope == Scope.EVERYTHING), None)
    fallback = everywhere or ""  # a product no ranked offer names shows the offer on everything's badge
    rank = {offer.pk: index for index, offer in enumerate(live)}
    best: dict[int, int] = {}
    for offer_id, product_id in QuantityOfferTarget.objects.filter(offer__in=[o.pk for o in live]).values_list(
        "offer_id", "product_id"
    ):
        if product_id not in best or rank[offer_id] < rank[best[product_id]]:
            best[product_id] = offer_id
    first_everywhere = next((rank[o.pk] for o in live if o.scope == Scope.EVERYTHING), len(live))
    by_pk = {offer.pk: offer for offer in live}
    for product_id, offer_id in best.items():
        # Ranked after an offer on everything: there is one, so `everywhere` is its badge.
        wanted[product_id] = by_pk[offer_id].badge if rank[offer_id] < first_everywhere else fallback
    stored = Product.objects.filter(Q(pk__in=list(wanted)) | ~Q(promo_badge=""))
    if everywhere is not None:
        stored = Product.objects.all()
    changes = {
        pk: wanted.get(pk, fallback)
        for pk, badge in stored.values_list("pk", "promo_badge")
        if badge != wanted.get(pk, fallback)
    }
    if changes:
        product_promo_badges_set(badges=changes)
    return len(changes)


def quantity_offer_changed(*, offer: QuantityOffer) -> None:
    """After an offer is created or edited (its scope included): its products, the badges, and a
    refresh at its future start and end."""
    with transaction.atomic():
        quantity_offer_targets_sync(offer=offer)
        quantity_offer_badges_sync()
    _refresh_at_window_edges(offer)


def _refresh_at_window_edges(promotion: ScopedPromotion) -> None:
    """The stored prices and badges refreshed again when the promotion's window opens and closes
    (after commit), so they change at that moment, not at the next edit."""
    now = timezone.now()
    for moment in (promotion.starts_at, promotion.ends_at):
        if moment is not None and moment > now:
            enqueue.discount_prices_sync_at(moment=moment)


def quantity_offer_create(
    *,
    name: str,
    kind: str,
    buy_quantity: int,
    pay_quantity: int | None = None,
    percent: Decimal | None = None,
    gift_variant: Variant | None = None,
    gift_quantity: int = 1,
    scope: str = Scope.EVERYTHING,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    priority: int = 0,
    **targets: Iterable[Model | int],
) -> QuantityOffer:
    """A new quantity offer (targets: products=, categories=, brands=, sellers=, collections=)."""
    with transaction.atomic():
        offer = QuantityOffer(
            name=name,
            kind=kind,
            buy_quantity=buy_quantity,
            pay_quantity=pay_quantity,
            percent=percent,
            gift_variant=gift_variant,
            gift_quantity=gift_quantity,
            scope=scope,
            priority=priority,
            starts_at=starts_at or timezone.now(),
            ends_at=ends_at,
        )
        offer.full_clean()
        offer.save()
        _set_scope(offer, targets)
        quantity_offer_changed(offer=offer)
    return offer


# --- coupons --------------------------------------------------------------------------


def coupon_redeem(
    *,
    coupon: Coupon,
    order: Model,
    customer: "AuthUser | None",
    email: str,
    amount: Decimal,
    now: datetime | None = None,
) -> CouponRedemption:
    """Take one use of the coupon for an order being placed. Call it inside the order's
    transaction: a refusal (CouponRefused) must roll the order back with it."""
    now = now or timezone.now()
    # The redemption row first: the coupon's row lock, taken next, is then held only for the
    # UPDATE and the per-customer count, not for this insert too (bench_promotions measures it).
    redemption = CouponRedemption.objects.create(  # type: ignore[misc]  # order: an orders.Order, unnamed here
        coupon=coupon,
        order=order,
        customer=customer if getattr(customer, "pk", None) else None,
        email=(email or "").lower(),
        amount=amount,
        created_at=now,
    )
    taken = (
        Coupon.objects.filter(
            Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")),
            pk=coupon.pk,
            is_active=True,
            starts_at__lte=now,
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        coupon.refresh_from_db()
        raise coupon_window_refusal(coupon, now) or CouponRefused(
            Refusal.USED_UP, _("The code %(code)s has been used up.") % {"code": coupon.code}
        )
    # This transaction now holds the coupon's row: other checkouts of it wait here, so the
    # counts below include every redemption committed before (and not this order's own).
    refusal = coupon_usage_refusal(coupon, customer=customer, email=email, exclude_order_id=order.pk)
    if refusal is not None:
        raise refusal
    return redemption


def coupon_release(*, order: Model) -> bool:
    """Give back the coupon use of an order cancelled before it was paid (once)."""
    with transaction.atomic():
        redemption = (
            CouponRedemption.objects.select_for_update().filter(order_id=order.pk, released_at__isnull=True).first()
        )
        if redemption is None:
            return False
        redemption.released_at = timezone.now()
        redemption.save(update_fields=["released_at"])
        Coupon.objects.filter(pk=redemption.coupon_id, uses__gt=0).update(uses=F("uses") - 1)
        return True


def coupon_use_retake(*, order: Model, customer: "AuthUser | None", email: str, now: datetime | None = None) -> None:
    """Take again the coupon use an expired order gave back, for its late payment (orders revives
    it): within the coupon's window and its limits (per coupon, per customer, first order), as
    coupon_redeem takes one. Raises CouponRefused with nothing written; an order whose use is still
    held needs nothing. Call it inside the reviving transaction, which rolls back with a refusal."""
    now = now or timezone.now()
    with transaction.atomic():
        redemption = CouponRedemption.objects.select_for_update().filter(order_id=order.pk).first()
        if redemption is None:
            # A code on the order with no use recorded: nothing says the coupon allows it.
            raise CouponRefused(Refusal.USED_UP, _("The coupon of this order cannot be taken again."))
        if redemption.released_at is None:
            return
        coupon = redemption.coupon
        # The same conditional UPDATE as coupon_redeem: never a use past max_uses, and the coupon's
        # row lock queues the checkouts spending it, so the per-customer count below is exact.
        taken = (
            Coupon.objects.filter(
                Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")),
                pk=coupon.pk,
                is_active=True,
                starts_at__lte=now,
            )
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .update(uses=F("uses") + 1)
        )
        refusal = None
        if not taken:
            coupon.refresh_from_db()
            refusal = coupon_window_refusal(coupon, now) or CouponRefused(
                Refusal.USED_UP, _("The code %(code)s has been used up.") % {"code": coupon.code}
            )
        refusal = refusal or coupon_usage_refusal(coupon, customer=customer, email=email, exclude_order_id=order.pk)
        if refusal is not None:
            raise refusal  # the savepoint gives the use back
        redemption.released_at = None
        redemption.save(update_fields=["released_at"])


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def coupons_generate(*, template: Coupon, count: int, prefix: str, length: int = 8, batch: str = "") -> list[Coupon]:
    """count new coupons like template (kind, value, limits, window, scope), each with a unique
    random code PREFIX-XXXXXXXX; one transaction, codes already taken are drawn again."""
    prefix = normalize_code(prefix).strip("-")
    if not 1 <= count <= 10000:
        raise ValueError("count must be between 1 and 10000")
    batch = batch or f"{prefix or 'LOTE'}-{timezone.localtime():%Y%m%d%H%M%S}"
    with transaction.atomic():
        codes: set[str] = set()
        while len(codes) < count:
            draw = {
                "-".join(filter(None, [prefix, "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))]))
                for _ in range(count - len(codes))
            }
            taken = set(Coupon.objects.filter(code__in=draw).values_list("code", flat=True))
            codes |= draw - taken
        fields = {
            f.name: getattr(template, f.name)
            for f in Coupon._meta.concrete_fields
            if f.name not in ("id", "code", "uses", "batch", "created_at", "name")
        }
        created = Coupon.objects.bulk_create(
            [Coupon(code=code, name=template.name or batch, batch=batch, **fields) for code in sorted(codes)]
        )
        for relation in ("products", "categories", "brands", "sellers", "collections"):
            ids = list(getattr(template, relation).values_list("pk", flat=True)) if template.pk else []
            if ids:
                through = getattr(Coupon, relation).through
                column = getattr(Coupon, relation).field.m2m_reverse_field_name()
                through.objects.bulk_create(
                    [through(coupon_id=c.pk, **{f"{column}_id": i}) for c in created for i in ids]
                )
    return created


SCOPE_RELATIONS = ("products", "categories", "brands", "sellers", "collections")


def _set_scope(promotion: ScopedPromotion, targets: dict[str, Iterable[Model | int]]) -> None:
    for relation in SCOPE_RELATIONS:
        if targets.get(relation):
            getattr(promotion, relation).set(targets[relation])


def discount_create(
    *,
    name: str,
    kind: str,
    value: Decimal,
    scope: str = Scope.EVERYTHING,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    priority: int = 0,
    **targets: Iterable[Model | int],
) -> AutomaticDiscount:
    """A new automatic discount (targets: products=, categories=, brands=, sellers=, collections=)."""
    with transaction.atomic():
        discount = AutomaticDiscount(
            name=name,
            kind=kind,
            value=value,
            scope=scope,
            priority=priority,
            starts_at=starts_at or timezone.now(),
            ends_at=ends_at,
        )
        discount.full_clean()
        discount.save()
        _set_scope(discount, targets)
        discount_changed(discount=discount)
    return discount


def coupon_create(
    *,
    code: str,
    name: str,
    kind: str,
    value: Decimal = ZERO,
    scope: str = Scope.EVERYTHING,
    minimum_purchase: Decimal = ZERO,
    max_uses: int | None = None,
    max_uses_per_customer: int | None = 1,
    first_order_only: bool = False,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    **targets: Iterable[Model | int],
) -> Coupon:
    with transaction.atomic():
        coupon = Coupon(
            code=code,
            name=name,
            kind=kind,
            value=value,
            scope=scope,
            minimum_purchase=minimum_purchase,
            max_uses=max_uses,
            max_uses_per_customer=max_uses_per_customer,
            first_order_only=first_order_only,
            starts_at=starts_at or timezone.now(),
            ends_at=ends_at,
        )
        coupon.full_clean()
        coupon.save()
        _set_scope(coupon, targets)
    return coupon
