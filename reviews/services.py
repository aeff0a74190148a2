"""Every write of reviews, votes, reports, invitations and seller reputations.

Rating aggregates are recomputed from the approved reviews (set-based) in the same transaction as
the change, under the product's row lock and then the line's: whoever takes a lock last sees every
committed change plus its own, so concurrent approvals never lose a count. Locks are always taken
in the order review → product → product line.
"""

import logging
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Seller, User
from catalog.models import Product, ProductLine, awaiting_launch
from catalog.services import RatingSummary, product_line_rating_store, product_rating_store
from core.once import Insert, send_once
from core.site_settings import site_setting
from orders.models import Order, OrderStatus, OrderStatusChange

from . import selectors
from .models import (
    BODY_MAX,
    TITLE_MAX,
    Review,
    ReviewInvitation,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
    SellerReputation,
)

logger = logging.getLogger(__name__)

REPUTATION_DAYS = 90
INVITATION_WINDOW_DAYS = 30  # older deliveries are not invited (e.g. when the feature starts)


class ReviewError(Exception):
    """A review action that cannot be done; the message is for the shopper or the moderator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- rating aggregates ---------------------------------------------------------------------


def rating_summary(reviews: QuerySet[Review]) -> RatingSummary:
    """One aggregate query: approved reviews per star."""
    row = reviews.filter(status=ReviewStatus.APPROVED).aggregate(
        **{f"s{s}": Count("pk", filter=Q(rating=s)) for s in range(1, 6)}
    )
    return RatingSummary(stars={s: row[f"s{s}"] for s in range(1, 6)})


def _ratings_refresh(*, product_id: int) -> None:
    """Recompute the product's and its line's aggregates (locks: product, then line)."""
    product = Product.objects.select_for_update().only("pk", "line_id").get(pk=product_id)
    product_rating_store(product_id=product.pk, rating=rating_summary(Review.objects.filter(product_id=product.pk)))
    if product.line_id:
        ProductLine.objects.select_for_update().only("pk").get(pk=product.line_id)
        product_line_rating_store(
            line_id=product.line_id, rating=rating_summary(Review.objects.filter(product__line_id=product.line_id))
        )


@transaction.atomic
def ratings_refresh(*, product_id: int) -> None:
    """Rebuild one product's (and its line's) aggregates from the approved reviews."""
    _ratings_refresh(product_id=product_id)


@transaction.atomic
def line_ratings_refresh(*, line_id: int) -> None:
    ProductLine.objects.select_for_update().only("pk").get(pk=line_id)
    product_line_rating_store(line_id=line_id, rating=rating_summary(Review.objects.filter(product__line_id=line_id)))


# --- writing reviews -------------------------------------------------------------------------


def _clean(*, rating: int | str, title: str, body: str) -> tuple[int, str, str]:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ReviewError(_("Choose a rating from 1 to 5 stars.")) from None
    if not 1 <= rating <= 5:
        raise ReviewError(_("Choose a rating from 1 to 5 stars."))
    title, body = (title or "").strip(), (body or "").strip()
    if "\x00" in title or "\x00" in body:
        raise ReviewError(_("The review contains characters that are not allowed."))
    if not title or not body:
        raise ReviewError(_("Write a title and your review."))
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise ReviewError(_("The review is too long."))
    return rating, title, body


def _status_for(*, verified: bool) -> str:
    return ReviewStatus.APPROVED if verified and site_setting("REVIEWS_AUTO_APPROVE_VERIFIED") else ReviewStatus.PENDING


@transaction.atomic
def review_create(*, user: User, product: Product, rating: int, title: str, body: str) -> Review:
    """A customer's review of a product: verified when a delivered order of theirs has it,
    approved at once when verified and the site setting says so, else waiting for moderation."""
    rating, title, body = _clean(rating=rating, title=title, body=body)
    if not user.is_authenticated:
        raise ReviewError(_("Sign in to write a review."))
    # Nobody has used a product whose drop has not started: it cannot be bought before then.
    if Product.objects.filter(pk=product.pk, pk__in=awaiting_launch()).exists():
        raise ReviewError(_("This product is not on sale yet: reviews open when its drop starts."))
    verified = selectors.has_delivered_purchase(user_id=user.pk, product_id=product.pk)
    status = _status_for(verified=verified)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                user=user,
                rating=rating,
                title=title,
                body=body,
                is_verified_purchase=verified,
                status=status,
                moderated_at=timezone.now() if status == ReviewStatus.APPROVED else None,
            )
    except IntegrityError:
        raise ReviewError(_("You have already reviewed this product. You can edit your review.")) from None
    if review.is_approved:
        _ratings_refresh(product_id=product.pk)
    return review


def _own_locked(*, user: User, review_id: int | str) -> Review:
    try:
        return Review.objects.select_for_update().get(pk=int(review_id), user_id=user.pk)
    except (Review.DoesNotExist, TypeError, ValueError):
        raise ReviewError(_("That review does not exist or is not yours.")) from None


@transaction.atomic
def review_update(*, user: User, review_id: int, rating: int, title: str, body: str) -> Review:
    """The author edits their review; it goes through moderation again unless auto-approved."""
    rating, title, body = _clean(rating=rating, title=title, body=body)
    review = _own_locked(user=user, review_id=review_id)
    was_approved = review.is_approved
    review.is_verified_purchase = selectors.has_delivered_purchase(user_id=user.pk, product_id=review.product_id)
    review.rating, review.title, review.body = rating, title, body
    review.status = _status_for(verified=review.is_verified_purchase)
    review.rejection_reason = ""
    review.hidden_by_reports = False
    review.edited_at = timezone.now()
    review.save()
    if was_approved or review.is_approved:
        _ratings_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_delete(*, user: User, review_id: int) -> None:
    review = _own_locked(user=user, review_id=review_id)
    was_approved, product_id = review.is_approved, review.product_id
    review.delete()
    if was_approved:
        _ratings_refresh(product_id=product_id)


# --- moderation ----------------------------------------------------------------------------------


@transaction.atomic
def review_approve(*, review_id: int, moderator: User | None) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.is_approved:
        return review
    review.status = ReviewStatus.APPROVED
    review.rejection_reason = ""
    review.hidden_by_reports = False
    review.moderated_at, review.moderated_by = timezone.now(), moderator
    review.save(update_fields=["status", "rejection_reason", "hidden_by_reports", "moderated_at", "moderated_by"])
    _ratings_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_reject(*, review_id: int, moderator: User | None, reason: str) -> Review:
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise ReviewError(_("Say why the review is rejected."))
    review = Review.objects.select_for_update().get(pk=review_id)
    was_approved = review.is_approved
    review.status = ReviewStatus.REJECTED
    review.rejection_reason = reason[:255]
    review.moderated_at, review.moderated_by = timezone.now(), moderator
    review.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
    if was_approved:
        _ratings_refresh(product_id=review.product_id)
    return review


# --- votes and reports ------------------------------------------------------------------------------


def _visible_review(review_id: int | str) -> Review:
    try:
        return Review.objects.approved().get(pk=int(review_id))
    except (Review.DoesNotExist, TypeError, ValueError):
        raise ReviewError(_("That review does not exist.")) from None


def _mark_once(
    model: type[ReviewVote] | type[ReviewReport], *, review: Review, user: User, own: str, again: str
) -> None:
    """A shopper marks (votes for, reports) another's review once: the row's unique key refuses a
    second mark, in a savepoint so the caller's transaction goes on."""
    if review.user_id == user.pk:
        raise ReviewError(own)
    try:
        with transaction.atomic():
            model.objects.create(review=review, user=user)
    except IntegrityError:
        raise ReviewError(again) from None


@transaction.atomic
def review_vote_helpful(*, user: User, review_id: int) -> Review:
    review = _visible_review(review_id)
    _mark_once(
        ReviewVote,
        review=review,
        user=user,
        own=_("You cannot vote for your own review."),
        again=_("You already marked this review as helpful."),
    )
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    review.refresh_from_db(fields=["helpful_count"])
    return review


@transaction.atomic
def review_report(*, user: User, review_id: int) -> Review:
    """Report a review as inappropriate; after REVIEWS_REPORTS_TO_HIDE reports it goes back to moderation."""
    review = Review.objects.select_for_update().get(pk=_visible_review(review_id).pk)
    if not review.is_approved:  # hidden or rejected since it was read
        raise ReviewError(_("That review does not exist."))
    _mark_once(
        ReviewReport,
        review=review,
        user=user,
        own=_("You cannot report your own review."),
        again=_("You already reported this review."),
    )
    review.report_count += 1
    fields = ["report_count"]
    if review.is_approved and review.report_count >= site_setting("REVIEWS_REPORTS_TO_HIDE"):
        review.status, review.hidden_by_reports = ReviewStatus.PENDING, True
        fields += ["status", "hidden_by_reports"]
    review.save(update_fields=fields)
    if not review.is_approved:
        _ratings_refresh(product_id=review.product_id)
    return review


# --- invitations after delivery -------------------------------------------------------------------


def review_invitation_claim(*, order_id: int) -> Insert:
    """An invitation is claimed by inserting its row, one per order (core.once.send_once)."""
    return Insert(ReviewInvitation, {"order_id": order_id})


def review_invitation_mark_sent(*, order_id: int) -> None:
    ReviewInvitation.objects.filter(order_id=order_id).update(sent_at=timezone.now())


def review_invitations_send_due(*, after_days: int, now: datetime | None = None) -> int:
    """Invite the customers of orders delivered after_days ago (and not yet invited). Each
    invitation is claimed before its e-mail goes out; a failed e-mail releases the claim."""
    from .emails import send_invitation

    sent = 0
    for order_id in selectors.orders_due_for_invitation(
        after_days=after_days, window_days=INVITATION_WINDOW_DAYS, now=now
    ):
        try:
            if not send_once(
                claim=review_invitation_claim(order_id=order_id), send=partial(send_invitation, order_id=order_id)
            ):
                continue
        except Exception:
            logger.exception("Review invitation for order %s failed; it will be retried", order_id)
            continue
        review_invitation_mark_sent(order_id=order_id)
        sent += 1
    return sent


# --- seller reputation -------------------------------------------------------------------------------


def legs_shipped_on_time(*, seller_id: int, since: date, until: date) -> tuple[int, int]:
    """(on time, total) shipment legs of the seller's warehouses due in the period."""
    from shipping import selectors as shipping_selectors

    return shipping_selectors.legs_shipped_on_time(seller_id=seller_id, since=since, until=until)


def _cancellations(*, seller_id: int, since: date, until: date) -> tuple[int, int]:
    """(paid orders with a line of the seller, of them cancelled by the store side): cancelled after
    payment by someone other than the customer (the seller, or staff on their behalf)."""
    orders = Order.objects.filter(
        lines__seller_id=seller_id,
        paid_at__isnull=False,
        placed_at__date__gte=since,
        placed_at__date__lte=until,
    ).distinct()
    total = orders.count()
    cancelled = (
        OrderStatusChange.objects.filter(
            order__in=orders.values("pk"),
            to_status=OrderStatus.CANCELLED,
            actor__isnull=False,
        )
        .exclude(actor_id=F("order__customer_id"))
        .values("order_id")
        .distinct()
        .count()
    )
    return total, min(cancelled, total)


@transaction.atomic
def seller_reputation_compute(
    *, seller: Seller, until: date | None = None, days: int = REPUTATION_DAYS
) -> SellerReputation:
    """The seller's reputation over the `days` up to `until` (today in Lima by default): the
    average rating of their products' approved reviews, on-time legs and cancellations."""
    until = until or timezone.localdate()
    since = until - timedelta(days=days - 1)
    rating = rating_summary(Review.objects.filter(product__seller_id=seller.pk))
    legs = legs_shipped_on_time(seller_id=seller.pk, since=since, until=until)
    total, cancelled = _cancellations(seller_id=seller.pk, since=since, until=until)
    reputation, _created = SellerReputation.objects.update_or_create(
        seller=seller,
        period_start=since,
        period_end=until,
        defaults={
            "rating_average": rating.average if rating.count else None,
            "rating_count": rating.count,
            "legs_on_time": legs[0],
            "legs_total": legs[1],
            "orders_total": total,
            "orders_cancelled_by_seller": cancelled,
            "computed_at": timezone.now(),
        },
    )
    return reputation


def seller_reputations_compute_all(*, until: date | None = None) -> int:
    """Every approved seller, each in its own transaction."""
    count = 0
    for seller in Seller.objects.filter(is_approved=True).order_by("pk"):
        seller_reputation_compute(seller=seller, until=until)
        count += 1
    return count
