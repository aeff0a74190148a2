"""ARCO requests (acceso, rectificación, cancelación, oposición; Ley 29733 and its Reglamento) and
the audit entry of every account closed.

A request is kept once answered: it is the store's proof that the right was attended, within its
term (docs/features/privacy.md says where the terms come from)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import HistoricalRecords
from core.models import AppendOnlyModel

DETAIL_MAX = 2000
ANSWER_MAX = 5000


class ArcoKind(models.TextChoices):
    ACCESS = "access", _("Access")
    RECTIFICATION = "rectification", _("Rectification")
    CANCELLATION = "cancellation", _("Cancellation")
    OPPOSITION = "opposition", _("Opposition")


# Business days (Saturdays, Sundays and Peru's holidays excluded) to answer each kind, counted from
# the day after the request arrives: the 2013 Reglamento's art. 55 (D.S. 003-2013-JUS), which the
# 2024 Reglamento (D.S. 016-2024-JUS) is read to keep; docs/features/privacy.md says what was and
# was not confirmed from the primary text.
ANSWER_BUSINESS_DAYS: dict[str, int] = {
    ArcoKind.ACCESS: 20,
    ArcoKind.RECTIFICATION: 10,
    ArcoKind.CANCELLATION: 10,
    ArcoKind.OPPOSITION: 10,
}


class ArcoStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("ARCO request", "Open")
    ANSWERED = "answered", pgettext_lazy("ARCO request", "Answered")


class ArcoRequestQuerySet(models.QuerySet["ArcoRequest"]):
    def delete(self):
        raise ValidationError("ARCO requests are kept.")

    def open(self) -> "ArcoRequestQuerySet":
        return self.filter(status=ArcoStatus.OPEN)


class ArcoRequest(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("right"), max_length=13, choices=ArcoKind.choices)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arco_requests",
        verbose_name=_("customer account"),
        help_text=_("Empty for a request received by e-mail from someone without an account."),
    )
    email = models.EmailField(_("e-mail"), max_length=254, help_text=_("Where the answer goes."))
    detail = models.TextField(_("what is asked"), max_length=DETAIL_MAX, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False, db_index=True)
    due_on = models.DateField(_("answer due"), editable=False, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ArcoStatus.choices, default=ArcoStatus.OPEN)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("answered by"),
    )
    # When the answer was e-mailed to the requester (set once by the sending task).
    answer_sent_at = models.DateTimeField(_("answer e-mailed at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["answer_sent_at"])
    objects = ArcoRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("ARCO request")
        verbose_name_plural = _("ARCO requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", answered_at__isnull=True) | (Q(status="answered") & ~Q(answer="")),
                name="privacy_arco_answered_has_text",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_arco_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_kind_display()}"

    @property
    def is_answered(self) -> bool:
        return self.status == ArcoStatus.ANSWERED

    def delete(self, *args, **kwargs):
        raise ValidationError("ARCO requests are kept.")


class AccountClosure(AppendOnlyModel):
    """The audit entry of one account closed (ARCO cancellation): which account, who closed it and
    when, what was erased and what was kept, by count. It holds no personal data itself."""

    append_only_message = "The record of closed accounts is append-only."

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        help_text=_("The customer themselves, or the staff member who answered their request."),
    )
    by_customer = models.BooleanField(_("closed by the customer"), default=False)
    arco_request = models.ForeignKey(
        ArcoRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("ARCO request"),
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now, db_index=True)
    erased = models.JSONField(_("erased"), default=dict)
    kept = models.JSONField(_("kept"), default=dict)

    class Meta:
        verbose_name = _("closed account")
        verbose_name_plural = _("closed accounts")
        ordering = ["-closed_at", "-pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.closed_at).strftime("%d/%m/%Y %H:%M")
        return str(_("Account closed on %(when)s") % {"when": when})
