from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import HistoricalRecords
from core.money import MONEY_FIELD
from payments.models import Provider


def gateway_name(provider: str) -> str:
    """The gateway as staff know it ("Mercado Pago" for mpago)."""
    return str(Provider(provider).label) if provider in Provider.values else provider


class Run(models.Model):
    """The reconciliation of one Lima day: one row per day, renewed each time the day is run again."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    times_run = models.PositiveIntegerField(_("times run"), default=0)
    # {provider: "" when compared, else why it could not be}: the gateways configured at the last run.
    gateways = models.JSONField(_("gateways"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)

    @property
    def failed_gateways(self) -> list[str]:
        return sorted(provider for provider, error in self.gateways.items() if error)

    @property
    def compared_gateways(self) -> list[str]:
        return sorted(provider for provider, error in self.gateways.items() if not error)


class Discrepancy(models.Model):
    """One difference between a gateway's own list and the store's rows. Found by the job, never acted
    on by it: staff look into it and mark it reviewed with a note (the one change made here)."""

    class Kind(models.TextChoices):
        MISSING_IN_STORE = "missing_in_store", _("Paid at the gateway, not in the store")
        MISSING_AT_GATEWAY = "missing_at_gateway", _("Paid in the store, not at the gateway")
        PAID_TWICE = "paid_twice", _("Paid twice")
        AMOUNT_DIFFERS = "amount_differs", _("Amounts differ")
        REFUND_MISSING_IN_STORE = "refund_missing_in_store", _("Refunded at the gateway, not in the store")
        REFUND_MISSING_AT_GATEWAY = "refund_missing_at_gateway", _("Refunded in the store, not at the gateway")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REVIEWED = "reviewed", _("Reviewed")

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("run"))
    # A provider code (payments.models.Provider) without its choices: a new gateway needs no migration here.
    provider = models.CharField(_("gateway"), max_length=10)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What the finding is about, the same on every run of the day (the unique constraint's key):
    # the gateway's reference, or the store's row ("payment:12", "refund:4", "order:9").
    key = models.CharField(_("key"), max_length=140)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("purchase order", "order"),
    )
    gateway_reference = models.CharField(_("gateway reference"), max_length=120, blank=True)
    gateway_amount = models.DecimalField(_("gateway amount"), **MONEY_FIELD, null=True, blank=True)
    store_amount = models.DecimalField(_("store amount"), **MONEY_FIELD, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="PEN")
    detail = models.TextField(_("detail"), blank=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment discrepancy")
        verbose_name_plural = _("payment discrepancies")
        ordering = ["-run__day", "provider", "kind", "pk"]
        constraints = [
            # Running a day again finds the same differences: one row each, never two.
            models.UniqueConstraint(fields=["run", "provider", "kind", "key"], name="reconciliation_one_finding"),
        ]
        indexes = [models.Index(fields=["status", "run"], name="reconciliation_status_idx")]

    def __str__(self) -> str:
        return f"{self.run.day} · {self.gateway_name} · {self.get_kind_display()}"

    @property
    def gateway_name(self) -> str:
        return gateway_name(self.provider)
