"""Return requests (RMA): lines of a delivered order going back, their status history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import StatusChange


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("return status", "Requested")
    APPROVED = "approved", pgettext_lazy("return status", "Approved")
    REJECTED = "rejected", pgettext_lazy("return status", "Rejected")
    RECEIVED = "received", pgettext_lazy("return status", "Received")
    RESOLVED = "resolved", pgettext_lazy("return status", "Resolved")
    CLOSED = "closed", pgettext_lazy("return status", "Closed")


# Where each status may go next; anything else is refused by the services.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.REQUESTED: frozenset({ReturnStatus.APPROVED, ReturnStatus.REJECTED}),
    ReturnStatus.APPROVED: frozenset({ReturnStatus.RECEIVED}),
    ReturnStatus.RECEIVED: frozenset({ReturnStatus.RESOLVED}),
    ReturnStatus.RESOLVED: frozenset({ReturnStatus.CLOSED}),
    ReturnStatus.REJECTED: frozenset({ReturnStatus.CLOSED}),
    ReturnStatus.CLOSED: frozenset(),
}
STATUS_TONES: dict[str, str] = {
    ReturnStatus.REQUESTED: "warning",
    ReturnStatus.APPROVED: "info",
    ReturnStatus.REJECTED: "muted",
    ReturnStatus.RECEIVED: "brand",
    ReturnStatus.RESOLVED: "success",
    ReturnStatus.CLOSED: "dark",
}
# A rejected request gives its units back to what the customer may still return.
NOT_RETURNING = (ReturnStatus.REJECTED,)


class ReturnReason(models.TextChoices):
    WRONG_SIZE = "wrong_size", _("Wrong size or fit")
    DEFECTIVE = "defective", _("Defective or not working")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    WRONG_ITEM = "wrong_item", _("I received another item")
    CHANGED_MIND = "changed_mind", _("I changed my mind")
    OTHER = "other", _("Other reason")


class DeclaredCondition(models.TextChoices):
    NEW = "new", _("New, unopened")
    OPENED = "opened", _("Opened")
    DAMAGED = "damaged", _("Damaged")


class FoundCondition(models.TextChoices):
    RESELLABLE = "resellable", _("Resellable: back to stock")
    WRITE_OFF = "write_off", _("Damaged: written off")
    QUARANTINE = "quarantine", _("Damaged: kept in quarantine")


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to the original payment")
    CREDIT = "credit", _("Store credit (vale de compra)")


class ReturnRequest(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="return_requests",
        verbose_name=pgettext_lazy("purchase order", "order"),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("customer"),
        help_text=_("Empty for a guest order."),
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    status = models.CharField(_("status"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    resolution = models.CharField(
        _("resolution"),
        max_length=8,
        choices=Resolution.choices,
        blank=True,
        help_text=_("What the customer asked for; staff confirm it when resolving."),
    )
    resolved_amount = models.DecimalField(
        _("amount given back"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Refunded or given as store credit."),
    )
    shipping_returned = models.DecimalField(
        _("shipping given back"),
        max_digits=12,
        decimal_places=2,
        default=0,
        editable=False,
        help_text=_("The order's shipping, when this return gave it back (only one return of an order does)."),
    )
    customer_message = models.TextField(_("message to the customer"), blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("returns:detail", args=[self.number])

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "muted")

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())


class ReturnLine(models.Model):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return request")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    reason_detail = models.CharField(_("details"), max_length=255, blank=True)
    declared_condition = models.CharField(_("declared condition"), max_length=8, choices=DeclaredCondition.choices)
    found_condition = models.CharField(_("condition found"), max_length=12, choices=FoundCondition.choices, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse"),
        help_text=_("Where the resellable units went back to."),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returns_line_quantity_positive"),
            models.UniqueConstraint(fields=["request", "order_line"], name="returns_line_once_per_request"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku}"

    @property
    def is_received(self) -> bool:
        return self.received_at is not None


class ReturnStatusChange(StatusChange):
    """One row per status change of a return request, never edited: who, when, from what to what."""

    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("return request")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ReturnStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReturnStatus.choices)

    class Meta(StatusChange.Meta):
        indexes = [models.Index(fields=["request", "created_at"], name="returns_change_request_idx")]


class ReturnEmail(models.Model):
    """One e-mail to the customer per status a return reaches; sent_at is set when it went out."""

    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="emails", verbose_name=_("return request")
    )
    status = models.CharField(_("status"), max_length=12, choices=ReturnStatus.choices)
    # When it was recorded: the sweep re-sends one whose task was lost (core.jobs).
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return e-mail")
        verbose_name_plural = _("return e-mails")
        constraints = [models.UniqueConstraint(fields=["request", "status"], name="returns_email_once_per_status")]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_status_display()}"
