"""Guías de remisión electrónicas remitente (SUNAT GRE, tipo 09): the document that backs a move
of the store's goods between two addresses. One per shipment leg the store moves (motivo 01,
venta) and per transfer between its own warehouses (motivo 04), with the lines as moved, the
UBL 2.1 DespatchAdvice as issued (signed when a certificate is configured) and SUNAT's answer
(ticket, CDR, the QR's address). Issued through despatch.services only; never edited after
issue: a rejected guía stays, and the leg gets a new one under a new number."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_ruc
from shipping.models import Carrier

LIMA = ZoneInfo("America/Lima")
KIND = "09"  # catálogo 01: guía de remisión remitente
SERIES = "T001"


class Reason(models.TextChoices):
    """SUNAT catálogo 20 (motivo de traslado), the reasons this store moves goods for."""

    SALE = "01", _("Sale")
    TRANSFER = "04", _("Transfer between establishments of the same company")


class TransportMode(models.TextChoices):
    """SUNAT catálogo 18 (modalidad de traslado)."""

    PUBLIC = "01", _("Public transport (a carrier)")
    PRIVATE = "02", _("Private transport (own vehicle)")


class GuideStatus(models.TextChoices):
    PENDING = "pending", _("Pending to send")
    SENT = "sent", _("Sent, awaiting SUNAT")
    ACCEPTED = "accepted", _("Accepted")
    OBSERVED = "observed", _("Accepted with observations")
    REJECTED = "rejected", _("Rejected")
    EXCEPTION = "exception", _("Sending failed")
    # Its worker died between SUNAT taking it and the ticket being kept: SUNAT offers no way to ask
    # about a guía without its ticket, so it is never sent again by itself; staff check it in SOL.
    CHECK = "check", _("Needs a check in SUNAT's portal")


# A guía that backs its move: SUNAT accepted it (with or without observations).
VALID_STATUSES = frozenset({GuideStatus.ACCEPTED, GuideStatus.OBSERVED})
# Still on its way to an answer: it may yet become valid, so a second guía is not issued beside it.
OPEN_STATUSES = frozenset({GuideStatus.PENDING, GuideStatus.SENT, GuideStatus.EXCEPTION})
STATUS_TONES: dict[str, str] = {
    GuideStatus.PENDING: "warning",
    GuideStatus.SENT: "info",
    GuideStatus.ACCEPTED: "success",
    GuideStatus.OBSERVED: "info",
    GuideStatus.REJECTED: "danger",
    GuideStatus.EXCEPTION: "danger",
    GuideStatus.CHECK: "warning",
}


class DespatchAdvice(models.Model):
    """One guía de remisión remitente as issued."""

    series = models.CharField(_("series"), max_length=4, default=SERIES)
    number = models.PositiveIntegerField(_("number"))
    reason = models.CharField(_("reason for the move"), max_length=2, choices=Reason.choices)
    shipment = models.ForeignKey(
        "shipping.Shipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="despatch_advices",
        verbose_name=_("shipment"),
    )
    # A transfer between warehouses: the key its two stock movements share (inventory.Movement).
    transfer_key = models.UUIDField(_("transfer"), null=True, blank=True, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issue_date = models.DateField(_("issue date"), help_text=_("In Lima time."))
    start_date = models.DateField(_("start of the move"))

    issuer_ruc = models.CharField(_("store RUC"), max_length=11)
    issuer_name = models.CharField(_("store legal name"), max_length=200)
    recipient_document_type = models.CharField(_("recipient document type"), max_length=1)
    recipient_document = models.CharField(_("recipient document"), max_length=15)
    recipient_name = models.CharField(_("recipient"), max_length=250)
    # The receipt of the sale the goods move for (series-number and its type, catálogo 01).
    related_document = models.CharField(_("related receipt"), max_length=13, blank=True)
    related_document_type = models.CharField(_("related receipt type"), max_length=2, blank=True)

    transport_mode = models.CharField(_("transport"), max_length=2, choices=TransportMode.choices)
    carrier_ruc = models.CharField(_("carrier RUC"), max_length=11, blank=True)
    carrier_name = models.CharField(_("carrier"), max_length=250, blank=True)
    carrier_mtc = models.CharField(_("carrier's MTC registration"), max_length=20, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=8, blank=True)
    driver_document = models.CharField(_("driver's DNI"), max_length=8, blank=True)
    driver_first_name = models.CharField(_("driver's first names"), max_length=250, blank=True)
    driver_family_name = models.CharField(_("driver's surnames"), max_length=250, blank=True)
    driver_licence = models.CharField(_("driver's licence"), max_length=10, blank=True)

    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=12, decimal_places=3)
    origin_ubigeo = models.CharField(_("origin ubigeo"), max_length=6)
    origin_address = models.CharField(_("origin address"), max_length=500)
    origin_establishment = models.CharField(_("origin establishment"), max_length=4)
    arrival_ubigeo = models.CharField(_("arrival ubigeo"), max_length=6)
    arrival_address = models.CharField(_("arrival address"), max_length=500)
    arrival_establishment = models.CharField(_("arrival establishment"), max_length=4, blank=True)

    xml = models.TextField(_("XML"), blank=True)
    digest = models.CharField(_("hash"), max_length=100, blank=True)
    status = models.CharField(
        _("SUNAT status"), max_length=10, choices=GuideStatus.choices, default=GuideStatus.PENDING, db_index=True
    )
    ticket = models.CharField(_("SUNAT ticket"), max_length=40, blank=True)
    send_attempts = models.PositiveIntegerField(_("send attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cdr_code = models.CharField(_("CDR code"), max_length=10, blank=True)
    cdr_message = models.TextField(_("CDR message"), blank=True)
    cdr_xml = models.TextField(_("CDR"), blank=True)
    qr_url = models.URLField(_("QR address"), max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("despatch guide (guía de remisión)")
        verbose_name_plural = _("despatch guides (guías de remisión)")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="despatch_guide_series_number_unique"),
            # A leg has at most one guía that is valid or may still become valid; a rejected one
            # stays beside the new one staff issue under a new number.
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(shipment__isnull=False) & ~Q(status="rejected"),
                name="despatch_guide_one_live_per_shipment",
            ),
            models.CheckConstraint(
                condition=Q(shipment__isnull=False, transfer_key__isnull=True, reason="01")
                | Q(shipment__isnull=True, transfer_key__isnull=False, reason="04"),
                name="despatch_guide_sale_leg_or_transfer",
            ),
            models.CheckConstraint(condition=Q(gross_weight_kg__gt=0), name="despatch_guide_weight_positive"),
            models.CheckConstraint(
                condition=Q(transport_mode="01", carrier_ruc__gt="", carrier_mtc__gt="")
                | Q(transport_mode="02", vehicle_plate__gt="", driver_document__gt="", driver_licence__gt=""),
                name="despatch_guide_transport_complete",
            ),
        ]
        indexes = [models.Index(fields=["issue_date"], name="despatch_guide_issue_date_idx")]

    def __str__(self) -> str:
        return f"{self.series}-{self.number:08d}"

    @property
    def full_number(self) -> str:
        """As printed: T001-00000012."""
        return str(self)

    @property
    def kind(self) -> str:
        return KIND

    @property
    def file_name(self) -> str:
        """SUNAT's name for it: RUC-09-series-number, the number as in the XML's cbc:ID."""
        return f"{self.issuer_ruc}-{KIND}-{self.series}-{self.number}"

    @property
    def issue_time(self) -> str:
        return timezone.localtime(self.issued_at, LIMA).strftime("%H:%M:%S")

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "muted")

    @property
    def is_valid(self) -> bool:
        return self.status in VALID_STATUSES

    @property
    def is_private_transport(self) -> bool:
        return self.transport_mode == TransportMode.PRIVATE


class CarrierRegistration(models.Model):
    """A carrier the store hands legs to, as a guía names it (public transport): its RUC, legal name
    and MTC registration, so staff need not type them for each guía of its legs."""

    carrier = models.CharField(
        _("carrier"),
        max_length=20,
        unique=True,
        choices=[(code, label) for code, label in Carrier.choices if code != Carrier.PICKUP],
    )
    ruc = models.CharField(_("RUC"), max_length=11, validators=[validate_ruc])
    legal_name = models.CharField(_("legal name"), max_length=250)
    mtc_registration = models.CharField(
        _("MTC registration"),
        max_length=20,
        validators=[RegexValidator(r"^(?!0+$)[0-9A-Z]{1,20}$", _("Letters and digits, as the MTC registered it."))],
    )

    class Meta:
        verbose_name = _("carrier registration")
        verbose_name_plural = _("carrier registrations")
        ordering = ["carrier"]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} · RUC {self.ruc}"


class DespatchLine(models.Model):
    """One line as moved: the goods (code, description) and their units."""

    advice = models.ForeignKey(DespatchAdvice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("guide"))
    position = models.PositiveSmallIntegerField(_("position"))
    sku = models.CharField(_("code"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=500)
    unit_code = models.CharField(_("unit"), max_length=3, default="NIU")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("guide line")
        verbose_name_plural = _("guide lines")
        ordering = ["advice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["advice", "position"], name="despatch_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="despatch_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} × {self.description}"


ZERO_KG = Decimal("0.000")
