"""SUNAT electronic receipts (comprobantes electrónicos): the boleta or factura of a paid order and
the notas de crédito that give money back, each with its lines exactly as issued, its signed
UBL 2.1 XML and SUNAT's answer (the CDR). Issued through receipts.services only; never edited
after issue (a correction is a nota de crédito)."""

from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_FIELD, format_money
from orders.models import same_cents

ZERO = Decimal("0.00")
LIMA = ZoneInfo("America/Lima")


class ReceiptKind(models.TextChoices):
    """SUNAT catálogo 01 (tipo de documento)."""

    FACTURA = "01", _("Invoice (factura)")
    BOLETA = "03", _("Receipt (boleta)")
    CREDIT_NOTE = "07", _("Credit note")
    DEBIT_NOTE = "08", _("Debit note")


# The notas: each modifies a boleta or factura (its `original`).
NOTE_KINDS = (ReceiptKind.CREDIT_NOTE, ReceiptKind.DEBIT_NOTE)


class BuyerDocument(models.TextChoices):
    """SUNAT catálogo 06 (tipo de documento de identidad)."""

    NONE = "-", _("No document")  # "varios": boletas without the buyer's identity
    DNI = "1", _("DNI")
    RUC = "6", _("RUC")


class CreditReason(models.TextChoices):
    """SUNAT catálogo 09 (tipo de nota de crédito), the reasons this store uses."""

    CANCELLATION = "01", _("Cancellation of the operation")
    DISCOUNT = "04", _("Global discount")
    ITEM_DISCOUNT = "05", _("Discount per item")
    TOTAL_RETURN = "06", _("Total refund")
    ITEM_RETURN = "07", _("Refund per item")
    DECREASE = "09", _("Decrease in value")


class DebitReason(models.TextChoices):
    """SUNAT catálogo 10 (tipo de nota de débito): what a store charges after the sale."""

    LATE_INTEREST = "01", _("Late payment interest")
    VALUE_INCREASE = "02", _("Increase in value")
    PENALTIES = "03", _("Penalties or other charges")


class SendStatus(models.TextChoices):
    """SUNAT's answer, whole: pending (never handed over), sent (handed over, no answer recorded
    yet: what a crash mid-send leaves; recovery asks SUNAT before sending again), then accepted,
    accepted with observations, rejected, or exception (SUNAT said it did not receive it: a SOAP
    fault 0100–1999, retried with backoff)."""

    PENDING = "pending", _("Pending to send")
    SENT = "sent", _("Sent, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    OBSERVED = "observed", _("Accepted with observations")
    REJECTED = "rejected", _("Rejected")
    EXCEPTION = "exception", _("Not received: to send again")


# The former "failed" (retries ran out) is an exception now (migration 0005): the old name stays an
# alias for code written against it (Choices refuse a duplicate value in the class body).
SendStatus.FAILED = SendStatus.EXCEPTION  # type: ignore[attr-defined]

# SUNAT has taken these: nothing more to send.
ACCEPTED_STATUSES = (SendStatus.ACCEPTED, SendStatus.OBSERVED)
# Still to be sent, or asked about (receipts.services.receipt_send).
UNANSWERED_STATUSES = (SendStatus.PENDING, SendStatus.SENT, SendStatus.EXCEPTION)

# The series of each kind of document: a nota follows its original's letter (F for a factura's,
# B for a boleta's: SUNAT's rule, see docs/sunat.md).
SERIES: dict[str, str] = {ReceiptKind.FACTURA: "F001", ReceiptKind.BOLETA: "B001"}
CREDIT_SERIES: dict[str, str] = {ReceiptKind.FACTURA: "FC01", ReceiptKind.BOLETA: "BC01"}
DEBIT_SERIES: dict[str, str] = {ReceiptKind.FACTURA: "FD01", ReceiptKind.BOLETA: "BD01"}
SEND_TONES: dict[str, str] = {
    SendStatus.PENDING: "warning",
    SendStatus.SENT: "warning",
    SendStatus.ACCEPTED: "success",
    SendStatus.OBSERVED: "info",
    SendStatus.REJECTED: "danger",
    SendStatus.EXCEPTION: "danger",
}


class Receipt(models.Model):
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="receipts", verbose_name=_("order")
    )
    kind = models.CharField(_("type"), max_length=2, choices=ReceiptKind.choices)
    series = models.CharField(_("series"), max_length=4)
    number = models.PositiveIntegerField(_("number"))
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("original receipt"),
    )
    # When a boleta or factura was voided to correct it (its buyer, or boleta↔factura): its
    # corrected re-issue (reissue_of) is then the order's sale (receipts.services.receipt_reissue_corrected).
    voided_at = models.DateTimeField(_("voided to correct it at"), null=True, blank=True)
    # A document SUNAT rejected, or one voided to correct it, issued again under this new number.
    reissue_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissue",
        verbose_name=_("re-issue of"),
    )
    # Catálogo 09 for a nota de crédito, 10 for a nota de débito (reason_label names it).
    reason_code = models.CharField(_("reason code"), max_length=2, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    # What caused a credit note ("refund:12", "return:5"): one note per cause, whoever asks twice.
    source = models.CharField(_("source"), max_length=40, null=True, blank=True, unique=True, editable=False)

    # Who issued it from the admin (a nota de débito, a re-issue); none when the store did on its own.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issue_date = models.DateField(_("issue date"), help_text=_("In Lima time."))

    issuer_ruc = models.CharField(_("store RUC"), max_length=11)
    issuer_name = models.CharField(_("store legal name"), max_length=200)
    issuer_address = models.CharField(_("store address"), max_length=250, blank=True)
    buyer_document_type = models.CharField(_("buyer document type"), max_length=1, choices=BuyerDocument.choices)
    buyer_document = models.CharField(_("buyer document"), max_length=11, blank=True)
    buyer_name = models.CharField(_("buyer name"), max_length=200, blank=True)
    buyer_address = models.CharField(_("buyer address"), max_length=250, blank=True)

    currency = models.CharField(_("currency"), max_length=3, default="PEN")
    taxable_total = models.DecimalField(_("taxable amount"), **MONEY_FIELD)
    igv_total = models.DecimalField(_("IGV"), **MONEY_FIELD)
    discount_total = models.DecimalField(_("discounts"), **MONEY_FIELD, default=ZERO)
    total = models.DecimalField(_("total"), **MONEY_FIELD)
    amount_in_words = models.CharField(_("amount in words"), max_length=250)

    # Signed when a certificate is configured; until then the document as issued, "not signed".
    xml = models.TextField(_("XML"), blank=True)
    digest = models.CharField(_("hash"), max_length=100, blank=True)

    send_status = models.CharField(
        _("SUNAT status"), max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING
    )
    send_attempts = models.PositiveIntegerField(_("send attempts"), default=0)
    # When the last attempt was handed over (status "sent" until its answer is recorded).
    send_claimed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cdr_code = models.CharField(_("CDR code"), max_length=10, blank=True)
    cdr_message = models.TextField(_("CDR message"), blank=True)
    # The CDR's Notes ("4252 - El dato ..."): accepted, with these observations.
    cdr_observations = models.JSONField(_("observations"), default=list, blank=True)
    cdr_xml = models.TextField(_("CDR"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("electronic receipt")
        verbose_name_plural = _("electronic receipts")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="receipts_receipt_series_number_unique"),
            # One boleta or factura per order, whoever issues it and however often; one SUNAT
            # rejected stands beside its re-issue (its number is never used again).
            # One voided to correct it (its buyer) stands beside its corrected re-issue too.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind__in=["01", "03"]) & ~Q(send_status="rejected") & Q(voided_at__isnull=True),
                name="receipts_receipt_one_per_order",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["07", "08"], original__isnull=False)
                | Q(~Q(kind__in=["07", "08"]), original__isnull=True),
                name="receipts_receipt_note_has_original",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(taxable_total__gte=0) & Q(igv_total__gte=0),
                name="receipts_receipt_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=same_cents("total", F("taxable_total") + F("igv_total")),
                name="receipts_receipt_total_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["send_status", "issued_at"], name="receipts_send_status_idx")]

    def __str__(self) -> str:
        return self.full_number

    @property
    def full_number(self) -> str:
        return f"{self.series}-{self.number:08d}"

    @property
    def issue_time(self) -> str:
        return timezone.localtime(self.issued_at, LIMA).strftime("%H:%M:%S")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == ReceiptKind.CREDIT_NOTE

    @property
    def credit_notes(self) -> models.QuerySet["Receipt"]:
        """The notas de crédito of a boleta or factura (its notes include the debit notes too)."""
        return self.notes.filter(kind=ReceiptKind.CREDIT_NOTE)

    @property
    def debit_notes(self) -> models.QuerySet["Receipt"]:
        return self.notes.filter(kind=ReceiptKind.DEBIT_NOTE)

    @property
    def is_debit_note(self) -> bool:
        return self.kind == ReceiptKind.DEBIT_NOTE

    @property
    def is_note(self) -> bool:
        return self.kind in NOTE_KINDS

    @property
    def reason_label(self) -> str:
        """The reason code's name in its catálogo (09 for a credit note, 10 for a debit note)."""
        reasons = DebitReason if self.is_debit_note else CreditReason
        return str(reasons(self.reason_code).label) if self.reason_code in reasons.values else self.reason_code

    @property
    def is_accepted(self) -> bool:
        return self.send_status in ACCEPTED_STATUSES

    @property
    def cdr_file_name(self) -> str:
        """The CDR's name as SUNAT zips it: R-<file name>.xml."""
        return f"R-{self.file_name}.xml"

    @property
    def send_tone(self) -> str:
        return SEND_TONES.get(self.send_status, "muted")

    @property
    def is_signed(self) -> bool:
        return bool(self.digest)

    @property
    def file_name(self) -> str:
        """SUNAT's name for the document: RUC-type-series-number, the number written as in the
        XML's cbc:ID (SUNAT compares the two as text: error 1036)."""
        return f"{self.issuer_ruc}-{self.kind}-{self.series}-{self.number}"

    def qr_text(self) -> str:
        """SUNAT's QR content: RUC|type|series|number|IGV|total|date|buyer doc type|buyer doc|hash."""
        return "|".join(
            [
                self.issuer_ruc,
                self.kind,
                self.series,
                f"{self.number:08d}",
                f"{self.igv_total:.2f}",
                f"{self.total:.2f}",
                self.issue_date.isoformat(),
                self.buyer_document_type,
                self.buyer_document or "-",
                self.digest,
            ]
        )


def free_transfers_value(receipt, lines) -> Decimal:
    """What the units given free on a receipt are worth (their referential value without IGV):
    SUNAT's "operaciones gratuitas", printed beside the totals; 0 on a nota de crédito."""
    if receipt.kind == ReceiptKind.CREDIT_NOTE:
        return ZERO
    return sum((line.free_value for line in lines if line.is_free), ZERO)


class ReceiptLine(models.Model):
    """One line as issued. Amounts: unit value without IGV (up to 10 decimals, as SUNAT allows),
    unit price with IGV, the line's discount with IGV, its taxable value, its IGV and its total
    with IGV (taxable value + IGV = total, to the cent)."""

    class Unit(models.TextChoices):
        PRODUCT = "NIU", _("Unit (product)")
        SERVICE = "ZZ", _("Service")

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt"))
    # The order line it sells or credits (none for shipping or a credit of an amount).
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order line"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    sku = models.CharField(_("code"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=500)
    unit_code = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.PRODUCT)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value = models.DecimalField(_("unit value (without IGV)"), max_digits=22, decimal_places=10)
    unit_price = models.DecimalField(_("unit price (with IGV)"), **MONEY_FIELD)
    discount = models.DecimalField(_("discount (with IGV)"), **MONEY_FIELD, default=ZERO)
    taxable_amount = models.DecimalField(_("taxable value"), **MONEY_FIELD)
    igv = models.DecimalField(_("IGV"), **MONEY_FIELD)
    total = models.DecimalField(_("total (with IGV)"), **MONEY_FIELD)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "position"], name="receipts_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipts_line_quantity_positive"),
            models.CheckConstraint(
                condition=same_cents("total", F("taxable_amount") + F("igv")), name="receipts_line_total_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def gross_value(self) -> Decimal:
        """Quantity × unit value, before the discount (without IGV): the allowance's base."""
        return (self.unit_value * self.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def discount_value(self) -> Decimal:
        """The discount without IGV (what the UBL allowance carries): gross value − taxable value."""
        return max(self.gross_value - self.taxable_amount, ZERO)

    @property
    def unit_value_shown(self) -> Decimal:
        """The unit value to the fewest decimals (two at least, SUNAT's ten at most) with which
        quantity × unit value still gives the row's value to the cent: what a reader of the printed
        receipt checks (59.90 with IGV is 50.76 a unit, but three are 152.29, so 50.763)."""
        for places in range(2, 11):
            shown = self.unit_value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if (shown * self.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == self.gross_value:
                return shown
        return self.unit_value

    @property
    def unit_value_printed(self) -> str:
        """The unit value in soles, as the PDF, the receipt page and the admin write it."""
        shown = self.unit_value_shown
        exponent = shown.as_tuple().exponent
        assert isinstance(exponent, int)  # a finite amount ("n", "N", "F" are NaN's and infinity's)
        return format_money(shown, places=max(2, -exponent))

    @property
    def is_free(self) -> bool:
        """Units the buyer paid nothing for (an offer's gift): SUNAT's free transfer (receipts.ubl)."""
        return self.total == 0 and self.unit_price > 0

    @property
    def free_value(self) -> Decimal:
        """A free line's referential value (without IGV): what its units are worth, had they been sold."""
        return self.gross_value

    @property
    def free_igv(self) -> Decimal:
        """The IGV of a free line's referential value, which the seller bears (not in the total)."""
        return (self.free_value * Decimal(str(settings.IGV_RATE))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def paid_unit_price(self) -> Decimal:
        """What one unit cost with IGV after its discount: SUNAT's unit price (catálogo 16, code
        01) is computed from the line's value and IGV, net of the discount (error 3270)."""
        return (self.total / self.quantity).quantize(Decimal("0.0000000001"))
