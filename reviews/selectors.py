"""Reads of reviews shared by the product, line and seller pages, the e-mails and the commands."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, overload

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Seller, User
from catalog.listing import card_rows, cards_page
from catalog.models import Product, ProductLine
from catalog.selectors import visible_products
from core.compiled_query import CompiledQuery, Slot
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange

from .models import Review, ReviewInvitation, ReviewStatus, ReviewVote, SellerReputation

if TYPE_CHECKING:
    from core.actors import AnyUser

REVIEWS_PER_PAGE = 5
SORTS = {"helpful": _("Most helpful"), "newest": _("Newest")}
ORDERINGS = {"helpful": ("-helpful_count", "-created_at", "-pk"), "newest": ("-created_at", "-pk")}


def has_delivered_purchase(*, user_id: int, product_id: int) -> bool:
    """A delivered order of this customer has a variant of the product."""
    return OrderLine.objects.filter(
        order__customer_id=user_id, order__status=OrderStatus.DELIVERED, variant__product_id=product_id
    ).exists()


@dataclass
class ReviewsSection:
    product: Product
    page: object  # Page of approved reviews
    sort: str
    sorts: list[dict[str, object]]
    own_review: Review | None = None
    voted_ids: set[int] = field(default_factory=set)
    can_write: bool = False


@functools.lru_cache(maxsize=64)
def _approved_page(sort: str, start: int, stop: int) -> CompiledQuery[Review]:
    """One page of a product's (the slot `product`) approved reviews in `sort`'s order, compiled once per
    process: building and compiling it was most of a product page's reviews section."""
    reviews = Review.objects.filter(product_id=Slot("product"), status=ReviewStatus.APPROVED).select_related("user")
    return CompiledQuery(reviews.order_by(*ORDERINGS[sort])[start:stop])


class _ApprovedReviews(Sequence[Review]):
    """A product's approved reviews as the paginator slices them: each page read by its compiled query,
    none when the slice is empty (a product nobody reviewed)."""

    def __init__(self, product: Product, sort: str) -> None:
        self.product_id, self.sort = product.pk, sort
        self.count_approved = product.rating_count  # kept in step with the approved reviews by reviews.services

    def __len__(self) -> int:
        return self.count_approved

    @overload
    def __getitem__(self, index: int) -> Review: ...
    @overload
    def __getitem__(self, index: slice) -> list[Review]: ...
    def __getitem__(self, index: int | slice) -> Review | list[Review]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        return _approved_page(self.sort, start, stop).all(product=self.product_id)


def product_reviews(*, product: Product, user: "AnyUser", sort: str = "helpful", page: str | int = 1) -> ReviewsSection:
    """Approved reviews of a product, one page of them; the count comes from the product's
    aggregate, so the page costs one query (three for a signed-in shopper) whatever the number."""
    sort = sort if sort in ORDERINGS else "helpful"
    paginator = Paginator(_ApprovedReviews(product, sort), REVIEWS_PER_PAGE)
    current = paginator.get_page(page)
    own: Review | None = None
    voted: set[int] = set()
    if user.is_authenticated:
        own = Review.objects.filter(product=product, user=user).first()
        ids = [review.pk for review in current.object_list]
        if ids:
            voted = set(ReviewVote.objects.filter(user=user, review_id__in=ids).values_list("review_id", flat=True))
    sorts = [{"value": key, "label": label, "selected": key == sort} for key, label in SORTS.items()]
    return ReviewsSection(
        product=product,
        page=current,
        sort=sort,
        sorts=sorts,
        own_review=own,
        voted_ids=voted,
        can_write=user.is_authenticated and own is None,
    )


OWN_REVIEWS_TTL_SECONDS = 5 * 60


def own_reviews_key(user_id: int) -> str:
    return f"reviews:own-products:{user_id}"


def shopper_has_reviews_or_votes(*, user: User, product_slug: str, cached: dict[str, Any] | None = None) -> bool:
    """Whether the product's reviews section shows anything of this signed-in shopper's own (their
    review, in any state, or a "helpful" vote on one of its reviews). Asked on every signed-in hit
    of a cached product page: the products (slugs) a shopper reviewed or voted on are read once and
    cached, forgotten when they write a review or a vote (reviews.apps). `cached`: the cache entries
    read already with the page (own_reviews_key's among them if there is one)."""
    key = own_reviews_key(user.pk)
    slugs: frozenset[str] | None = cached.get(key) if cached is not None else cache.get(key)
    if slugs is None:
        slugs = frozenset(
            Review.objects.filter(Q(user=user) | Q(votes__user=user)).values_list("product__slug", flat=True).distinct()
        )
        cache.set(key, slugs, OWN_REVIEWS_TTL_SECONDS)
    return product_slug in slugs


def line_top_reviews(*, line: ProductLine, limit: int = 6) -> list[Review]:
    """The most helpful approved reviews across the line's visible products."""
    return list(
        Review.objects.filter(status=ReviewStatus.APPROVED, product__in=visible_products().filter(line=line))
        .select_related("user", "product")
        .order_by("-helpful_count", "-created_at", "-pk")[:limit]
    )


@dataclass
class SellerPage:
    seller: Seller
    reputation: SellerReputation | None
    page: object  # Page of product cards
    total: int


SELLER_PRODUCTS_PER_PAGE = 24


def seller_page(*, slug: str, page: str | int = 1) -> SellerPage:
    seller = get_object_or_404(Seller.objects.filter(is_approved=True), slug=slug)
    reputation = SellerReputation.objects.filter(seller=seller).order_by("-period_end", "-pk").first()
    products = card_rows(visible_products().filter(seller=seller).order_by("-units_sold", "-pk"))
    paginator = Paginator(products, SELLER_PRODUCTS_PER_PAGE)
    current = cards_page(paginator.get_page(page))
    return SellerPage(seller=seller, reputation=reputation, page=current, total=paginator.count)


def orders_due_for_invitation(*, after_days: int, window_days: int, now: datetime | None = None) -> list[int]:
    """Orders of signed-up customers delivered between after_days and after_days + window_days
    ago, not yet invited to review."""
    now = now or timezone.now()
    delivered_at = Subquery(
        OrderStatusChange.objects.filter(order=OuterRef("pk"), to_status=OrderStatus.DELIVERED)
        .values("order")
        .annotate(at=Max("created_at"))
        .values("at")[:1]
    )
    return list(
        Order.objects.filter(status=OrderStatus.DELIVERED, customer__isnull=False)
        .exclude(pk__in=ReviewInvitation.objects.values("order_id"))
        .annotate(delivered_at=delivered_at)
        .filter(
            delivered_at__lte=now - timedelta(days=after_days),
            delivered_at__gt=now - timedelta(days=after_days + window_days),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def invitation_lines(*, order_id: int) -> tuple[Order, list[dict[str, object]]]:
    """The order and one entry per reviewable product in it (not yet reviewed by the customer)."""
    order = Order.objects.select_related("customer").get(pk=order_id)
    lines = OrderLine.objects.filter(order=order).select_related("variant__product").order_by("pk")
    reviewed = set(Review.objects.filter(user=order.customer).values_list("product_id", flat=True))
    seen: set[int] = set()
    items: list[dict[str, object]] = []
    for line in lines:
        product = line.variant.product
        if product.pk in seen or product.pk in reviewed:
            continue
        seen.add(product.pk)
        items.append({"name": line.product_name, "product": product, "variant_id": line.variant_id})
    return order, items
