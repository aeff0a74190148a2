"""Issuing and sending guías de remisión (keyword-only services, one transaction each).

guia_issue_for_shipment: the guía of one leg the store moves (motivo 01, venta), under the
order's lock then the leg's (the lock order shipping keeps), at most one live guía per leg (a
partial unique constraint is the backstop). guia_issue_for_transfer: the guía of a transfer
between the store's own warehouses (motivo 04), one per transfer. Numbers come from a counter
row incremented in the issuing transaction (core.counters): no gaps, no repeats. The XML is
built as issued and signed when a certificate is configured (receipts.signing); the send is
enqueued after commit (despatch.enqueue), through SUNAT's GRE REST API (despatch.gre)."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import normalize_identity, validate_dni, validate_ruc
from core.actors import signed_in
from core.counters import counter_next
from core.site_settings import site_setting
from inventory.models import Movement, Warehouse
from orders.models import DocumentType, Order
from receipts import signing
from receipts.models import Receipt, ReceiptKind
from receipts.pending import claim_span
from shipping.exceptions import ShipmentError
from shipping.models import NOT_YET_SHIPPED, Shipment, ShipmentLine

from . import enqueue, gre, ubl
from .models import (
    LIMA,
    OPEN_STATUSES,
    SERIES,
    VALID_STATUSES,
    DespatchAdvice,
    DespatchLine,
    GuideStatus,
    Reason,
    TransportMode,
)

PLATE = re.compile(r"^(?!0+$)[0-9A-Z]{6,8}$")
LICENCE = re.compile(r"^(?!0+$)[0-9A-Z]{9,10}$")
MTC = re.compile(r"^(?!0+$)[0-9A-Z]{1,20}$")
UBIGEO = re.compile(r"^\d{6}$")
GRAMS = Decimal("0.001")


class DespatchError(Exception):
    """The guía cannot be issued as asked; nothing was written."""


@dataclass(frozen=True)
class Transport:
    """How the goods travel, as staff typed it (cleaned by transport_clean)."""

    mode: str
    carrier_ruc: str = ""
    carrier_name: str = ""
    carrier_mtc: str = ""
    vehicle_plate: str = ""
    driver_document: str = ""
    driver_first_name: str = ""
    driver_family_name: str = ""
    driver_licence: str = ""


TRANSPORT_FIELDS = (
    "carrier_ruc",
    "carrier_name",
    "carrier_mtc",
    "vehicle_plate",
    "driver_document",
    "driver_first_name",
    "driver_family_name",
    "driver_licence",
)


def _compact(value: object) -> str:
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def _name(value: object) -> str:
    return " ".join(str(value or "").split())


def transport_clean(transport: Transport, *, issuer_ruc: str) -> Transport:
    """The transport with its plate, licence and numbers normalised, or a DespatchError naming the
    first thing wrong (SUNAT's own shapes: plate 6–8 letters and digits, licence 9–10, DNI 8 digits,
    a valid RUC other than the store's)."""
    if transport.mode == TransportMode.PUBLIC:
        ruc = normalize_identity(transport.carrier_ruc)
        try:
            validate_ruc(ruc)
        except ValidationError:
            raise DespatchError(_("Enter the carrier's valid RUC (11 digits).")) from None
        if ruc == issuer_ruc:
            raise DespatchError(_("The carrier cannot be the store itself: choose private transport."))
        name, mtc = _name(transport.carrier_name), _compact(transport.carrier_mtc)
        if len(name) < 2 or len(name) > 250:
            raise DespatchError(_("Enter the carrier's legal name."))
        if not MTC.match(mtc):
            raise DespatchError(_("Enter the carrier's MTC registration number (letters and digits)."))
        return Transport(mode=TransportMode.PUBLIC, carrier_ruc=ruc, carrier_name=name, carrier_mtc=mtc)
    if transport.mode != TransportMode.PRIVATE:
        raise DespatchError(_("Choose public or private transport."))
    plate, licence = _compact(transport.vehicle_plate), _compact(transport.driver_licence)
    document = normalize_identity(transport.driver_document)
    first, family = _name(transport.driver_first_name), _name(transport.driver_family_name)
    if not PLATE.match(plate):
        raise DespatchError(_("Enter the vehicle's plate: 6 to 8 letters and digits, e.g. ABC123."))
    try:
        validate_dni(document)
    except ValidationError:
        raise DespatchError(_("Enter the driver's DNI (8 digits).")) from None
    if not 3 <= len(first) <= 250 or not 1 <= len(family) <= 250:
        raise DespatchError(_("Enter the driver's first names and surnames."))
    if not LICENCE.match(licence):
        raise DespatchError(_("Enter the driver's licence number: 9 or 10 letters and digits, e.g. Q12345678."))
    return Transport(
        mode=TransportMode.PRIVATE,
        vehicle_plate=plate,
        driver_document=document,
        driver_first_name=first,
        driver_family_name=family,
        driver_licence=licence,
    )


def issuer() -> tuple[str, str]:
    """The store's RUC and legal name (site settings), checked."""
    ruc = normalize_identity(str(site_setting("RECEIPTS_ISSUER_RUC")))
    try:
        validate_ruc(ruc)
    except ValidationError:
        raise DespatchError(_("The store's RUC in the site settings is not valid.")) from None
    name = _name(site_setting("RECEIPTS_ISSUER_NAME"))
    if len(name) < 3:
        raise DespatchError(_("The store's legal name is missing in the site settings."))
    return ruc, name[:200]


def _origin(warehouse: Warehouse) -> tuple[str, str]:
    address = _name(warehouse.address)
    if not UBIGEO.match(warehouse.ubigeo or "") or len(address) < 3:
        raise DespatchError(
            _("Warehouse %(code)s has no address and ubigeo: complete them before issuing a guía.")
            % {"code": warehouse.code}
        )
    return warehouse.ubigeo, address[:500]


def _start(start_date: date | None, today: date) -> date:
    start = start_date or today
    if start < today:
        raise DespatchError(_("The move cannot start before today."))
    if start > today + timedelta(days=30):
        raise DespatchError(_("The move must start within 30 days."))
    return start


def _weight(given: Decimal | str | None, computed: Decimal) -> Decimal:
    if given not in (None, ""):
        try:
            weight = Decimal(str(given)).quantize(GRAMS)
        except (InvalidOperation, ValueError):
            raise DespatchError(_("Enter the gross weight in kilograms.")) from None
        if not weight.is_finite() or weight <= 0 or weight >= Decimal("1000000000"):
            raise DespatchError(_("Enter a gross weight above 0 kg."))
        return weight
    if computed <= 0:
        raise DespatchError(_("The goods have no weight recorded: enter the gross weight in kilograms."))
    return computed.quantize(GRAMS)


def _number() -> int:
    return counter_next(scope="despatch", key=SERIES)


def _finish(advice: DespatchAdvice, lines: list[DespatchLine]) -> DespatchAdvice:
    """Lines saved, the XML built (and signed when a certificate is configured), the send enqueued."""
    for position, line in enumerate(lines, start=1):
        line.advice, line.position = advice, position
    DespatchLine.objects.bulk_create(lines)
    xml = ubl.despatch_xml(advice, lines)
    if signing.certificate_configured():
        xml, advice.digest = signing.xml_sign(xml, signing.certificate_load())
    advice.xml = xml.decode()
    advice.save(update_fields=["xml", "digest"])
    enqueue.guia_send(advice_id=advice.pk)
    return advice


# --- which legs need one ---------------------------------------------------------------------


def leg_needs_guia(shipment: Shipment) -> bool:
    """Whether the law wants the store's guía for this leg: the store moves goods it owns between
    two addresses (R.S. 007-99/SUNAT, art. 17 and 18), by its own vehicle or a carrier it hands
    them to. Not a customer's pickup at the store (the buyer moves them, with the boleta or
    factura: art. 21), nor a supplier's or seller's leg (they own and move the goods, and issue
    their own guía)."""
    return (
        not shipment.is_pickup
        and not shipment.is_dropship
        and shipment.warehouse.kind == Warehouse.Kind.OWN
        and shipment.status != "cancelled"
    )


def live_guia(shipment: Shipment) -> DespatchAdvice | None:
    """The leg's guía that is valid or may still become valid (a rejected one is history)."""
    return DespatchAdvice.objects.filter(shipment=shipment).exclude(status=GuideStatus.REJECTED).order_by("-pk").first()


# --- a leg of a sale --------------------------------------------------------------------------


def _recipient(order: Order, document: str) -> tuple[str, str, str]:
    """(type, number, name) of who receives the goods: the buyer of the order; staff may give the
    DNI of a buyer who gave none at checkout."""
    address = order.shipping_address or {}
    if order.customer_document_type == DocumentType.RUC and order.customer_document:
        return "6", order.customer_document, _name(order.customer_legal_name)[:250]
    number = normalize_identity(order.customer_document or document)
    try:
        validate_dni(number)
    except ValidationError:
        raise DespatchError(
            _("Order %(number)s has no DNI of its buyer: enter the recipient's DNI (8 digits).")
            % {"number": order.number}
        ) from None
    name = _name(address.get("recipient") or (order.customer.get_full_name() if order.customer else ""))
    if not name:
        raise DespatchError(_("Order %(number)s names no recipient.") % {"number": order.number})
    return "1", number, name[:250]


def _arrival(order: Order) -> tuple[str, str]:
    address = order.shipping_address or {}
    ubigeo = str(address.get("ubigeo") or "")
    parts = [address.get("street"), address.get("district"), address.get("province"), address.get("department_name")]
    line = " - ".join(_name(part) for part in parts if _name(part))
    if not UBIGEO.match(ubigeo) or len(line) < 3:
        raise DespatchError(
            _("Order %(number)s's shipping address has no ubigeo: a guía needs the district of arrival.")
            % {"number": order.number}
        )
    return ubigeo, line[:500]


def _related_receipt(order: Order) -> tuple[str, str]:
    receipt = Receipt.objects.filter(order=order, kind__in=[ReceiptKind.FACTURA, ReceiptKind.BOLETA]).first()
    if receipt is None:
        return "", ""
    return f"{receipt.series}-{receipt.number}", receipt.kind


def guia_issue_for_shipment(
    *,
    shipment_id: int,
    transport: Transport,
    actor: User | None = None,
    start_date: date | None = None,
    gross_weight_kg: Decimal | str | None = None,
    recipient_document: str = "",
) -> DespatchAdvice:
    """The guía (motivo 01, venta) of a leg that has not left yet. Refuses a leg that needs none,
    one that already has a live guía (a replay gets that answer too), and bad transport data."""
    try:
        order_id = Shipment.objects.values_list("order_id", flat=True).get(pk=int(shipment_id))
    except (TypeError, ValueError, OverflowError, Shipment.DoesNotExist):
        raise DespatchError(_("That shipment does not exist.")) from None
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("warehouse").get(pk=shipment_id)
        if not leg_needs_guia(shipment):
            raise DespatchError(
                _(
                    "Shipment %(shipment)s needs no guía de remisión from the store (pickup, supplier's or seller's leg)."
                )
                % {"shipment": shipment.reference}
            )
        if order.is_closed or shipment.status not in NOT_YET_SHIPPED:
            raise DespatchError(
                _("Shipment %(shipment)s has already left or was cancelled.") % {"shipment": shipment.reference}
            )
        existing = live_guia(shipment)
        if existing is not None:
            raise DespatchError(
                _("Shipment %(shipment)s already has the guía %(guia)s (%(status)s).")
                % {
                    "shipment": shipment.reference,
                    "guia": existing.full_number,
                    "status": existing.get_status_display(),
                }
            )
        ruc, name = issuer()
        transport = transport_clean(transport, issuer_ruc=ruc)
        now = timezone.now()
        today = timezone.localdate(now, LIMA)
        held = list(shipment.lines.select_related("order_line__variant__product", "part__product"))
        computed = sum(
            ((line.part or line.order_line.variant).product.weight_kg * line.quantity for line in held), Decimal("0")
        )
        recipient_type, recipient_number, recipient_name = _recipient(order, recipient_document)
        arrival_ubigeo, arrival_address = _arrival(order)
        origin_ubigeo, origin_address = _origin(shipment.warehouse)
        related, related_type = _related_receipt(order)
        advice = DespatchAdvice.objects.create(
            number=_number(),
            reason=Reason.SALE,
            shipment=shipment,
            issued_at=now,
            issue_date=today,
            start_date=_start(start_date, today),
            issuer_ruc=ruc,
            issuer_name=name,
            recipient_document_type=recipient_type,
            recipient_document=recipient_number,
            recipient_name=recipient_name,
            related_document=related,
            related_document_type=related_type,
            gross_weight_kg=_weight(gross_weight_kg, computed),
            origin_ubigeo=origin_ubigeo,
            origin_address=origin_address,
            origin_establishment=shipment.warehouse.establishment_code or "0000",
            arrival_ubigeo=arrival_ubigeo,
            arrival_address=arrival_address,
            issued_by=signed_in(actor),
            **_transport_fields(transport),
        )
        lines = [
            DespatchLine(sku=line.sku, description=_description(line), quantity=Decimal(line.quantity)) for line in held
        ]
        return _finish(advice, lines)


def _description(line: ShipmentLine) -> str:
    options = line.options
    text = f"{line.product_name} ({options})" if options else str(line.product_name)
    return text[:500] if len(text) >= 3 else f"{text} - {line.sku}"[:500]


def _transport_fields(transport: Transport) -> dict[str, str]:
    return {
        "transport_mode": transport.mode,
        "carrier_ruc": transport.carrier_ruc,
        "carrier_name": transport.carrier_name,
        "carrier_mtc": transport.carrier_mtc,
        "vehicle_plate": transport.vehicle_plate,
        "driver_document": transport.driver_document,
        "driver_first_name": transport.driver_first_name,
        "driver_family_name": transport.driver_family_name,
        "driver_licence": transport.driver_licence,
    }


# --- a transfer between the store's warehouses ----------------------------------------------------


def guia_issue_for_transfer(
    *,
    transfer_key: uuid.UUID | str,
    transport: Transport,
    actor: User | None = None,
    start_date: date | None = None,
    gross_weight_kg: Decimal | str | None = None,
) -> DespatchAdvice:
    """The guía (motivo 04) of a transfer inventory recorded (inventory.services.stock_transfer:
    a transfer out and a transfer in sharing one key), once per transfer, between two of the
    store's own warehouses."""
    try:
        key = uuid.UUID(str(transfer_key))
    except ValueError:
        raise DespatchError(_("That transfer does not exist.")) from None
    with transaction.atomic():
        movements = list(
            Movement.objects.select_related(
                "stock_level__warehouse", "stock_level__variant", "stock_level__variant__product"
            ).filter(transfer_key=key)
        )
        out = next((m for m in movements if m.kind == Movement.Kind.TRANSFER_OUT), None)
        into = next((m for m in movements if m.kind == Movement.Kind.TRANSFER_IN), None)
        if out is None or into is None:
            raise DespatchError(_("That transfer does not exist."))
        source, destination = out.stock_level.warehouse, into.stock_level.warehouse
        if source.kind != Warehouse.Kind.OWN or destination.kind != Warehouse.Kind.OWN:
            raise DespatchError(_("Only a transfer between the store's own warehouses gets its guía (motivo 04)."))
        existing = DespatchAdvice.objects.select_for_update().filter(transfer_key=key).first()
        if existing is not None:
            raise DespatchError(_("That transfer already has the guía %(guia)s.") % {"guia": existing.full_number})
        ruc, name = issuer()
        transport = transport_clean(transport, issuer_ruc=ruc)
        now = timezone.now()
        today = timezone.localdate(now, LIMA)
        variant, units = out.stock_level.variant, abs(out.quantity)
        origin_ubigeo, origin_address = _origin(source)
        arrival_ubigeo, arrival_address = _origin(destination)
        advice = DespatchAdvice.objects.create(
            number=_number(),
            reason=Reason.TRANSFER,
            transfer_key=key,
            issued_at=now,
            issue_date=today,
            start_date=_start(start_date, today),
            issuer_ruc=ruc,
            issuer_name=name,
            recipient_document_type="6",
            recipient_document=ruc,
            recipient_name=name,
            gross_weight_kg=_weight(gross_weight_kg, variant.product.weight_kg * units),
            origin_ubigeo=origin_ubigeo,
            origin_address=origin_address,
            origin_establishment=source.establishment_code or "0000",
            arrival_ubigeo=arrival_ubigeo,
            arrival_address=arrival_address,
            arrival_establishment=destination.establishment_code or "0000",
            issued_by=signed_in(actor),
            **_transport_fields(transport),
        )
        description = f"{variant.product.name} ({variant.sku})"
        return _finish(advice, [DespatchLine(sku=variant.sku, description=description, quantity=Decimal(units))])


# --- the shipping gate (shipping.ports.shipment_may_leave) -------------------------------------


def gate_mode() -> str:
    """What a leg that needs a guía needs to leave: "accepted" (SUNAT accepted its guía), "issued"
    (it has one) or "off". SUNAT_GRE_GATE says; unset, "accepted" once GRE sending is configured
    and "off" without it (the embedded store, which cannot reach SUNAT: docs/sunat.md)."""
    mode = getattr(settings, "SUNAT_GRE_GATE", "") or ("accepted" if gre.sending_configured() else "off")
    return mode if mode in {"accepted", "issued", "off"} else "accepted"


def shipment_may_leave(*, shipment: Shipment) -> None:
    """Raise ShipmentError when the leg needs a guía it does not have (or SUNAT has not accepted)."""
    mode = gate_mode()
    if mode == "off" or not leg_needs_guia(shipment):
        return
    guia = live_guia(shipment)
    if guia is None:
        raise ShipmentError(
            _(
                "Shipment %(shipment)s cannot leave without its guía de remisión: issue it first (“Issue guía de remisión”)."
            )
            % {"shipment": shipment.reference}
        )
    if mode == "accepted" and guia.status not in VALID_STATUSES:
        raise ShipmentError(
            _("Shipment %(shipment)s cannot leave yet: SUNAT has not accepted its guía %(guia)s (%(status)s).")
            % {"shipment": shipment.reference, "guia": guia.full_number, "status": guia.get_status_display()}
        )


def shipment_may_split(*, shipment: Shipment) -> None:
    """Raise ShipmentError when the leg has a live guía: it names the leg's units as they are."""
    guia = live_guia(shipment)
    if guia is not None:
        raise ShipmentError(
            _("Shipment %(shipment)s cannot be split: its guía %(guia)s names all its units.")
            % {"shipment": shipment.reference, "guia": guia.full_number}
        )


# --- sending ------------------------------------------------------------------------------------


def guia_sign(*, advice_id: int) -> DespatchAdvice:
    """Sign a guía issued before a certificate was configured (its XML rebuilt as issued)."""
    with transaction.atomic():
        advice = DespatchAdvice.objects.select_for_update().get(pk=advice_id)
        if advice.digest or not signing.certificate_configured():
            return advice
        xml, advice.digest = signing.xml_sign(
            ubl.despatch_xml(advice, list(advice.lines.order_by("position"))), signing.certificate_load()
        )
        advice.xml = xml.decode()
        advice.save(update_fields=["xml", "digest"])
        return advice


def guia_send(*, advice_id: int) -> DespatchAdvice:
    """Send a pending guía to SUNAT and keep its ticket (status sent); then ask for the answer.
    Without GRE sending or a certificate it stays pending. Raises gre.GreUnavailable to retry.

    A crash sends nothing twice: the claim ("sent" without a ticket, the attempt counted) commits
    before the call. SUNAT's GRE API has no way to find a guía's answer without its ticket, so a
    claim found abandoned (its worker died, or the call was cut, between SUNAT maybe taking it and
    the ticket being kept) is never sent again by itself: it waits for staff's check (CHECK)."""
    advice = DespatchAdvice.objects.get(pk=advice_id)
    if advice.status not in OPEN_STATUSES or not gre.sending_configured():
        return advice
    if advice.ticket:
        return guia_poll(advice_id=advice_id)  # sent before (a retry, or the answer lost): never send twice
    if advice.status == GuideStatus.SENT:
        return _guia_claimed(advice)
    if not advice.digest:
        advice = guia_sign(advice_id=advice_id)
        if not advice.digest:
            return advice
    gre.token()  # before the claim: a refused token sends nothing
    if (claimed := _guia_claim(advice_id=advice_id)) is None:
        return DespatchAdvice.objects.get(pk=advice_id)
    try:
        ticket = gre.send(claimed.file_name, claimed.xml.encode())  # no transaction held over the network
    except gre.GreNotReceived:
        DespatchAdvice.objects.filter(pk=advice_id, status=GuideStatus.SENT, ticket="").update(
            status=GuideStatus.PENDING
        )
        raise
    with transaction.atomic():
        advice = DespatchAdvice.objects.select_for_update().get(pk=advice_id)
        if advice.status == GuideStatus.SENT and not advice.ticket:
            advice.ticket = ticket
            advice.save(update_fields=["ticket"])
    return guia_poll(advice_id=advice_id)


def _guia_claimed(advice: DespatchAdvice) -> DespatchAdvice:
    """A guía claimed without a ticket: another worker's call still running (try later), or an
    abandoned claim SUNAT may hold: it waits for staff's check instead of being sent again."""
    if advice.sent_at is not None and advice.sent_at >= timezone.now() - claim_span(settings.SUNAT_GRE_TIMEOUT):
        raise gre.GreUnavailable("another attempt is waiting for SUNAT's ticket")
    DespatchAdvice.objects.filter(pk=advice.pk, status=GuideStatus.SENT, ticket="").update(
        status=GuideStatus.CHECK,
        cdr_message=_("Its sending was cut before SUNAT's ticket was kept: check it in SUNAT's portal."),
    )
    return DespatchAdvice.objects.get(pk=advice.pk)


def _guia_claim(*, advice_id: int) -> DespatchAdvice | None:
    """Commit the claim before the call: "sent" without a ticket, one more attempt, when. None when
    another worker claimed it meanwhile."""
    with transaction.atomic():
        advice = DespatchAdvice.objects.select_for_update().get(pk=advice_id)
        if advice.status not in (GuideStatus.PENDING, GuideStatus.EXCEPTION) or advice.ticket:
            return None
        advice.status, advice.sent_at = GuideStatus.SENT, timezone.now()
        advice.send_attempts += 1
        advice.save(update_fields=["status", "sent_at", "send_attempts"])
        return advice


def guia_poll(*, advice_id: int) -> DespatchAdvice:
    """Ask SUNAT for the answer to a sent guía and record it (accepted, observed or rejected, the
    CDR and the QR's address). Raises gre.GreInProcess while SUNAT is still working on it."""
    advice = DespatchAdvice.objects.get(pk=advice_id)
    if not advice.ticket or advice.status in VALID_STATUSES or advice.status == GuideStatus.REJECTED:
        return advice
    answer = gre.ticket_status(advice.ticket)
    with transaction.atomic():
        advice = DespatchAdvice.objects.select_for_update().get(pk=advice_id)
        if advice.status in (GuideStatus.SENT, GuideStatus.PENDING, GuideStatus.EXCEPTION):
            advice.status, advice.cdr_code, advice.cdr_message = answer.status, answer.code, answer.message[:2000]
            advice.cdr_xml, advice.qr_url, advice.answered_at = answer.cdr_xml, answer.qr_url[:500], timezone.now()
            if answer.status in (GuideStatus.EXCEPTION, GuideStatus.CHECK):
                # Not processed (the next try sends it again), or a number SUNAT holds from a
                # sending whose ticket was lost (staff check it; its resend sends it again).
                advice.ticket = ""
            fields = ["status", "cdr_code", "cdr_message", "cdr_xml", "qr_url", "answered_at", "ticket"]
            advice.save(update_fields=fields)
        return advice


def guia_send_give_up(*, advice_id: int, error: str) -> None:
    """The retries ran out: an exception, for staff to resend from the admin."""
    DespatchAdvice.objects.filter(pk=advice_id, status__in=list(OPEN_STATUSES)).update(
        status=GuideStatus.EXCEPTION, cdr_message=error[:2000]
    )


def guias_resend(*, advice_ids: list[int]) -> int:
    """Staff's resend: guías in exception (or still pending) are enqueued again, after commit; one
    waiting for a check too, once staff saw in SUNAT's portal that SUNAT does not have it (if it
    does, SUNAT refuses the number as registered before and it waits for a check again)."""
    resendable = [*OPEN_STATUSES, GuideStatus.CHECK]
    with transaction.atomic():
        ids = list(
            DespatchAdvice.objects.filter(pk__in=advice_ids, status__in=resendable)
            .exclude(status=GuideStatus.SENT, ticket="")  # a claim in flight is its worker's
            .values_list("pk", flat=True)
        )
        DespatchAdvice.objects.filter(pk__in=ids, status__in=[GuideStatus.EXCEPTION, GuideStatus.CHECK]).update(
            status=GuideStatus.PENDING
        )
        for pk in ids:
            enqueue.guia_send(advice_id=pk)
    return len(ids)
