"""What shoppers asked to be told of (a sold-out size back in stock, a drop's launch) and the
reminders of carts they left."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Variant


class StockAlert(models.Model):
    """One shopper waiting for one variant: "Avísame". A guest's alert is pending until they
    follow the confirmation link (double opt-in); a signed-in customer's is active at once. It is
    e-mailed once (notified_at, claimed by core.once) and then stays as history."""

    class Kind(models.TextChoices):
        RESTOCK = "restock", _("Back in stock")
        LAUNCH = "launch", _("Launch")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="stock_alerts", verbose_name=_("variant")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESTOCK)
    email = models.EmailField(_("e-mail"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stock_alerts",
        verbose_name=_("customer"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        ordering = ["created_at", "pk"]
        constraints = [
            # One open request per address and variant: asking again is the same request.
            models.UniqueConstraint(
                fields=["variant", "email"],
                name="alerts_one_open_alert",
                condition=Q(status__in=["pending", "active"], notified_at__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["variant", "status", "notified_at"], name="alerts_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.variant}"

    @property
    def item_name(self) -> str:
        """What the alert is for, with the option the shopper chose named: "Casaca Wayra (Talla: M ·
        Color: Negro)" (the page, the answer and every e-mail of the alert say it the same way)."""
        named = self.variant.options_named
        return f"{self.variant.product.name} ({named})" if named else self.variant.product.name

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.ACTIVE and self.notified_at is None


class VariantDemand(Variant):
    """Variants as purchasing reads them in the admin: how many shoppers wait for each."""

    class Meta:
        proxy = True
        verbose_name = _("demand per variant")
        verbose_name_plural = _("demand per variant")


class CartReminder(models.Model):
    """The one reminder of a cart left untouched (to a shopper who consented to marketing e-mails),
    claimed by inserting this row: unique per cart and per the owner's last order before it, so a
    cart is reminded once, and a new cart after an order may be again. recovered_at: the e-mailed
    link was used."""

    cart_key = models.CharField(_("cart"), max_length=64)
    after_order_id = models.BigIntegerField(
        _("after order"), default=0, help_text=_("The owner's last order when the reminder was sent.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cart_reminders",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    lines = models.JSONField(_("lines"), default=list)
    units = models.PositiveIntegerField(_("units"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    recovered_at = models.DateTimeField(_("recovered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cart reminder")
        verbose_name_plural = _("cart reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart_key", "after_order_id"], name="alerts_one_reminder_per_cart")
        ]

    def __str__(self) -> str:
        return f"{self.cart_key} ({self.email})"
