from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
BODY_MAX = 3000


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewQuerySet(models.QuerySet["Review"]):
    def approved(self) -> "ReviewQuerySet":
        return self.filter(status=ReviewStatus.APPROVED)


class Review(models.Model):
    """One customer's opinion of one product. Only approved reviews count and show."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("customer")
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("review"), max_length=BODY_MAX)
    is_verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    rejection_reason = models.CharField(_("rejection reason"), max_length=255, blank=True)
    # Set when enough shoppers reported the review as inappropriate: it went back to moderation.
    hidden_by_reports = models.BooleanField(_("hidden by reports"), default=False)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="reviews_one_review_per_user_and_product"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="reviews_rating_1_to_5"),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.REJECTED) | ~Q(rejection_reason=""),
                name="reviews_rejection_has_a_reason",
            ),
        ]
        indexes = [
            # The product page's two sorts of approved reviews.
            models.Index(
                fields=["product", "status", "-helpful_count", "-created_at"], name="reviews_product_helpful_idx"
            ),
            models.Index(fields=["product", "status", "-created_at"], name="reviews_product_newest_idx"),
            # The moderation queue.
            models.Index(fields=["status", "created_at"], name="reviews_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.status == ReviewStatus.APPROVED

    @property
    def author_name(self) -> str:
        """First name and initial: enough to be a person, not enough to find them."""
        first = (self.user.first_name or "").strip()
        last = (self.user.last_name or "").strip()
        if first:
            return f"{first} {last[:1]}." if last else first
        return str(_("Customer"))


class ReviewVote(models.Model):
    """A shopper found a review helpful (one vote per shopper and review)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes", verbose_name=_("review"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="reviews_one_vote_per_user_and_review"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.review}"


class ReviewReport(models.Model):
    """A shopper reported a review as inappropriate (once per shopper and review)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports", verbose_name=_("review"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="reviews_one_report_per_user_and_review"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.review}"


class ReviewInvitation(models.Model):
    """The e-mail inviting a customer to review a delivered order. The row is the claim: it is
    inserted before sending, so the invitation goes out once even when the task runs twice."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="review_invitation", verbose_name=_("order")
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")

    def __str__(self) -> str:
        return str(self.order)


class SellerReputation(models.Model):
    """A seller's reputation over a period, computed nightly (reviews.services.seller_reputation_compute)."""

    seller = models.ForeignKey(
        "accounts.Seller", on_delete=models.CASCADE, related_name="reputations", verbose_name=_("seller")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    rating_average = models.DecimalField(_("rating average"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("rating count"), default=0)
    legs_on_time = models.PositiveIntegerField(_("legs shipped on time"), null=True, blank=True)
    legs_total = models.PositiveIntegerField(_("legs shipped"), null=True, blank=True)
    orders_total = models.PositiveIntegerField(_("paid orders"), default=0)
    orders_cancelled_by_seller = models.PositiveIntegerField(_("orders cancelled by the seller"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("seller reputation")
        verbose_name_plural = _("seller reputations")
        ordering = ["-period_end", "-pk"]
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "period_start", "period_end"], name="reviews_reputation_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="reviews_reputation_period_order"
            ),
            models.CheckConstraint(
                condition=Q(orders_cancelled_by_seller__lte=models.F("orders_total")),
                name="reviews_reputation_cancelled_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller} {self.period_start}–{self.period_end}"

    @property
    def on_time_percent(self) -> int | None:
        """None while shipping has no figures for the period ("sin datos aún")."""
        if not self.legs_total or self.legs_on_time is None:  # stored together (reviews.services)
            return None
        return round(self.legs_on_time * 100 / self.legs_total)

    @property
    def cancelled_percent(self) -> int | None:
        if not self.orders_total:
            return None
        return round(self.orders_cancelled_by_seller * 100 / self.orders_total)
