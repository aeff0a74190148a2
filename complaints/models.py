"""The Hoja de Reclamación: the fields of the regulation's Anexo I (D.S. 011-2011-PCM, as amended
by D.S. 006-2014-PCM and D.S. 101-2022-PCM), the provider's answer, and when each e-mail went out.

A sheet is never deleted: the regulation asks the provider to keep it (INDECOPI may ask for it),
and every change is in its history (django-simple-history)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import HistoricalRecords

# The regulation's own words, shown next to the choice and printed on every sheet (they are the
# law's text, so they stay in Spanish whatever the page's language).
RECLAMO_DEFINITION = "Disconformidad relacionada a los productos o servicios."
QUEJA_DEFINITION = (
    "Disconformidad no relacionada a los productos o servicios; o, malestar o descontento "
    "respecto a la atención al público."
)
NOT_A_PREREQUISITE = (
    "La formulación del reclamo no impide acudir a otras vías de solución de controversias ni "
    "es requisito previo para interponer una denuncia ante el INDECOPI."
)
ANSWER_DEADLINE_NOTE = (
    "El proveedor deberá dar respuesta al reclamo o queja en un plazo no mayor a quince (15) "
    "días hábiles improrrogables."
)
ANSWER_BUSINESS_DAYS = 15

# Text limits: room for a full account of what happened, never a page of pasted noise.
DETAIL_MAX = 3000
REQUEST_MAX = 2000
RESPONSE_MAX = 5000
DESCRIPTION_MAX = 500


class ComplaintKind(models.TextChoices):
    RECLAMO = "reclamo", _("Claim (reclamo)")
    QUEJA = "queja", _("Complaint (queja)")


DEFINITIONS: dict[str, str] = {ComplaintKind.RECLAMO: RECLAMO_DEFINITION, ComplaintKind.QUEJA: QUEJA_DEFINITION}


class ItemKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class ConsumerDocument(models.TextChoices):
    DNI = "dni", "DNI"
    CE = "ce", _("Foreigner's ID (CE)")
    PASSPORT = "passport", _("Passport")
    RUC = "ruc", "RUC"


class ComplaintSheetQuerySet(models.QuerySet["ComplaintSheet"]):
    def delete(self):
        raise ValidationError("Sheets of the Libro de Reclamaciones are kept.")

    def open(self) -> "ComplaintSheetQuerySet":
        return self.filter(answered_at__isnull=True)


class ComplaintSheet(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("correlative"), editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    filed_at = models.DateTimeField(_("filed at"), editable=False, db_index=True)
    due_on = models.DateField(
        _("answer due"),
        editable=False,
        db_index=True,
        help_text=_("15 business days after the sheet was filed (Peru's holidays excluded)."),
    )

    # The provider, as it was when the sheet was filed (site settings).
    provider_name = models.CharField(_("provider"), max_length=200, editable=False)
    provider_ruc = models.CharField(_("provider's RUC"), max_length=11, editable=False)
    provider_address = models.CharField(_("provider's address"), max_length=255, editable=False)

    # 1. The consumer.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaint_sheets",
        verbose_name=_("customer account"),
    )
    consumer_name = models.CharField(_("full name"), max_length=150)
    document_type = models.CharField(_("document type"), max_length=10, choices=ConsumerDocument.choices)
    document_number = models.CharField(_("document number"), max_length=12)
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    is_minor = models.BooleanField(_("the consumer is a minor"), default=False)
    guardian_name = models.CharField(_("parent or guardian"), max_length=150, blank=True)
    guardian_document = models.CharField(_("parent or guardian's DNI or CE"), max_length=12, blank=True)

    # 2. The good or service.
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_sheets",
        verbose_name=pgettext_lazy("purchase order", "order"),
    )
    item_kind = models.CharField(_("product or service"), max_length=10, choices=ItemKind.choices)
    amount = models.DecimalField(_("amount claimed (S/)"), max_digits=12, decimal_places=2, null=True, blank=True)
    item_description = models.CharField(_("description"), max_length=DESCRIPTION_MAX)

    # 3. The claim and the consumer's request.
    kind = models.CharField(_("type"), max_length=10, choices=ComplaintKind.choices)
    detail = models.TextField(_("detail"), max_length=DETAIL_MAX)
    consumer_request = models.TextField(_("consumer's request"), max_length=REQUEST_MAX)

    # 4. The provider's observations and actions.
    response = models.TextField(_("observations and actions of the provider"), max_length=RESPONSE_MAX, blank=True)
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

    # When each e-mail to the consumer went out (set once by the sending task).
    copy_sent_at = models.DateTimeField(_("copy e-mailed at"), null=True, blank=True, editable=False)
    answer_sent_at = models.DateTimeField(_("answer e-mailed at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["copy_sent_at", "answer_sent_at"])
    objects = ComplaintSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint sheet")
        verbose_name_plural = _("complaint sheets")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="complaints_sheet_year_sequence_unique"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="complaints_sheet_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(response=""), name="complaints_sheet_answer_has_text"
            ),
        ]
        indexes = [models.Index(fields=["answered_at", "due_on"], name="complaints_sheet_open_due_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("complaints:sheet", args=[self.number])

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def kind_definition(self) -> str:
        return DEFINITIONS.get(self.kind, "")

    def delete(self, *args, **kwargs):
        raise ValidationError("Sheets of the Libro de Reclamaciones are kept.")
