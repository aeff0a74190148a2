"""Writing returns: a customer asks to send lines of a delivered order back, staff approve or
reject it, then receive each line with the condition found (stock goes back through inventory's
services). Each service is one transaction; every refusal is a ReturnError raised before
anything is written."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.counters import counter_next
from core.idempotency import first_result
from core.money import format_money
from core.once import Stamp
from core.site_settings import site_setting
from inventory.exceptions import InventoryError
from inventory.models import Warehouse
from inventory.services import stock_return, stock_write_off
from orders.models import Order, OrderLine
from promotions import stacking
from shipping.models import Shipment, ShipmentStatus
from shipping.selectors import delivered_quantities

from . import enqueue
from .models import (
    NOT_RETURNING,
    DeclaredCondition,
    FoundCondition,
    Resolution,
    ReturnEmail,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
)

if TYPE_CHECKING:
    from core.actors import AnyUser, AuthUser

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

NOTE_LENGTH = 255


class ReturnError(Exception):
    """A refused return step; str() is the message for the customer or staff."""


@dataclass(frozen=True)
class ReturnLineData:
    order_line_id: int
    quantity: int
    reason: str
    declared_condition: str
    reason_detail: str = ""


@dataclass(frozen=True)
class ReceiveLineData:
    return_line_id: int
    found_condition: str
    warehouse_id: int | None = None


def return_window_days() -> int:
    return int(site_setting("RETURN_WINDOW_DAYS"))


def return_deadline(*, order_id: int) -> datetime | None:
    """The last moment a return may be requested: the window counted from the last delivery (None: nothing delivered)."""
    delivered_at: datetime | None = Shipment.objects.filter(
        order_id=order_id, status=ShipmentStatus.DELIVERED
    ).aggregate(last=Max("delivered_at"))["last"]
    if delivered_at is None:
        return None
    return delivered_at + timedelta(days=return_window_days())


def returnable_quantities(*, order_id: int) -> dict[int, int]:
    """Units the customer may still return per order line: delivered minus already being returned."""
    delivered = delivered_quantities(order_id=order_id)
    returning = dict(
        ReturnLine.objects.filter(order_line__order_id=order_id)
        .exclude(request__status__in=NOT_RETURNING)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
        .order_by()
    )
    return {
        line_id: units - returning.get(line_id, 0)
        for line_id, units in delivered.items()
        if units - returning.get(line_id, 0) > 0
    }


def return_number_next(*, now: datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).year
    sequence = counter_next(scope="return", key=str(year))
    return f"RMA-{year}-{sequence:05d}"


def _clean_text(value: str | None, *, limit: int = NOTE_LENGTH) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise ReturnError(_("The text contains characters that are not allowed."))
    if len(text) > limit:
        raise ReturnError(_("The text is too long (at most %(limit)s characters).") % {"limit": limit})
    return text


def _record(
    request: ReturnRequest, *, from_status: str, to_status: str, actor: "AnyUser | None", note: str = ""
) -> None:
    ReturnStatusChange.objects.create(
        request=request, from_status=from_status, to_status=to_status, actor=signed_in(actor), note=note[:NOTE_LENGTH]
    )
    _email_enqueue(request, status=to_status)


def _email_enqueue(request: ReturnRequest, *, status: str) -> None:
    """The customer hears of each status once, after the change commits."""
    email, created = ReturnEmail.objects.get_or_create(request=request, status=status)
    if created:
        enqueue.return_email_send(email_id=email.pk)


def return_email_claim(*, email_id: int) -> Stamp:
    """A return e-mail is claimed by stamping its sent_at (core.once.send_once)."""
    return Stamp(ReturnEmail.objects.filter(pk=email_id), field="sent_at")


def _validated_lines(order: Order, lines: list[ReturnLineData]) -> list[ReturnLineData]:
    if not lines:
        raise ReturnError(_("Choose at least one product to return."))
    seen = set()
    for line in lines:
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity <= 0:
            raise ReturnError(_("The quantity to return must be a whole number greater than zero."))
        if line.reason not in ReturnReason.values:
            raise ReturnError(_("Choose a reason from the list."))
        if line.declared_condition not in DeclaredCondition.values:
            raise ReturnError(_("Choose the condition of the product."))
        if line.order_line_id in seen:
            raise ReturnError(_("Each product may appear only once in a return."))
        seen.add(line.order_line_id)
    owned = set(OrderLine.objects.filter(order=order, pk__in=seen).values_list("pk", flat=True))
    if owned != seen:
        raise ReturnError(_("That product is not part of this order."))
    return lines


def _clean_resolution(order: Order, resolution: str) -> str:
    if resolution not in ("", *Resolution.values):
        raise ReturnError(_("Choose a refund or store credit."))
    if resolution == Resolution.CREDIT and order.customer_id is None:
        raise ReturnError(_("Store credit needs a customer account: a guest order can only be refunded."))
    return resolution


def return_request_create(
    *,
    order: Order,
    lines: list[ReturnLineData],
    actor: "AnyUser | None" = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    resolution: str = "",
) -> ReturnRequest:
    """The customer asks to return lines of a delivered order, within the return window, saying
    whether they want a refund or store credit (staff confirm it when resolving). The same key
    returns the request it first created (a double click or a replayed form writes nothing)."""
    now = now or timezone.now()
    resolution = _clean_resolution(order, resolution)
    with transaction.atomic():
        # The order's row lock serialises two requests for one order, so "returnable" cannot be spent twice.
        order = Order.objects.select_for_update().get(pk=order.pk)
        first = first_result(
            ReturnRequest.objects.all(),
            key=idempotency_key,
            about={"order_id": order.pk},
            refusal=ReturnError(_("This form was already used for another order.")),
        )
        if first is not None:
            return first
        lines = _validated_lines(order, lines)
        deadline = return_deadline(order_id=order.pk)
        if deadline is None:
            raise ReturnError(_("Nothing of this order has been delivered yet, so nothing can be returned."))
        if now > deadline:
            raise ReturnError(
                _("The return period for this order ended on %(date)s.")
                % {"date": timezone.localtime(deadline).strftime("%d/%m/%Y")}
            )
        returnable = returnable_quantities(order_id=order.pk)
        for line in lines:
            room = returnable.get(line.order_line_id, 0)
            if line.quantity > room:
                raise ReturnError(_("At most %(room)s unit(s) of that product can still be returned.") % {"room": room})
        details = [_clean_text(line.reason_detail) for line in lines]
        request = ReturnRequest.objects.create(
            number=return_number_next(now=now),
            order=order,
            customer=order.customer,
            email=order.email,
            idempotency_key=idempotency_key or None,
            created_at=now,
            resolution=resolution,
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    request=request,
                    order_line_id=line.order_line_id,
                    quantity=line.quantity,
                    reason=line.reason,
                    reason_detail=detail,
                    declared_condition=line.declared_condition,
                )
                for line, detail in zip(lines, details, strict=True)
            ]
        )
        _record(request, from_status="", to_status=ReturnStatus.REQUESTED, actor=actor)
    return request


def _locked(request: ReturnRequest | int) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().get(pk=getattr(request, "pk", request))


def _move(request: ReturnRequest, to_status: str, *, actor: "AnyUser | None", note: str = "") -> ReturnRequest:
    if not request.can_transition_to(to_status):
        raise ReturnError(
            _("Return %(number)s is %(status)s; it cannot become %(to)s.")
            % {"number": request.number, "status": request.get_status_display(), "to": ReturnStatus(to_status).label}
        )
    from_status, request.status = request.status, to_status
    request.save(update_fields=["status", "customer_message", "resolution", "updated_at"])
    _record(request, from_status=from_status, to_status=to_status, actor=actor, note=note)
    return request


def return_approve(*, request: ReturnRequest | int, actor: "AnyUser | None", message: str = "") -> ReturnRequest:
    """Staff accept the return; the message (optional) tells the customer how to send the items."""
    message = _clean_text(message, limit=1000)
    with transaction.atomic():
        request = _locked(request)
        request.customer_message = message
        return _move(request, ReturnStatus.APPROVED, actor=actor, note=message)


def return_reject(*, request: ReturnRequest | int, actor: "AnyUser | None", message: str) -> ReturnRequest:
    """Staff refuse the return and tell the customer why (the message is required)."""
    message = _clean_text(message, limit=1000)
    if not message:
        raise ReturnError(_("Tell the customer why the return is rejected."))
    with transaction.atomic():
        request = _locked(request)
        request.customer_message = message
        return _move(request, ReturnStatus.REJECTED, actor=actor, note=message)


def return_receive(
    *, request: ReturnRequest | int, lines: list[ReceiveLineData], actor: "AuthUser | None", note: str = ""
) -> ReturnRequest:
    """Staff receive every line of an approved return with the condition found: resellable units
    go back to the chosen warehouse (a return movement), written-off ones go back and out again
    (return + write-off, so the ledger tells the truth), quarantined ones stay out of stock.
    Receiving twice is refused."""
    note = _clean_text(note)
    with transaction.atomic():
        request = _locked(request)
        if request.status != ReturnStatus.APPROVED:
            if request.status in (ReturnStatus.RECEIVED, ReturnStatus.RESOLVED, ReturnStatus.CLOSED):
                raise ReturnError(_("Return %(number)s was already received.") % {"number": request.number})
            raise ReturnError(_("Only an approved return can be received."))
        return_lines = {line.pk: line for line in request.lines.select_related("order_line__variant").order_by("pk")}
        by_line = {}
        for data in lines:
            if data.return_line_id not in return_lines or data.return_line_id in by_line:
                raise ReturnError(_("That line is not part of this return."))
            if data.found_condition not in FoundCondition.values:
                raise ReturnError(_("Choose the condition found for every line."))
            by_line[data.return_line_id] = data
        if set(by_line) != set(return_lines):
            raise ReturnError(_("Say the condition found for every line of the return."))
        warehouses = Warehouse.objects.in_bulk([d.warehouse_id for d in lines if d.warehouse_id])
        now = timezone.now()
        for line_id in sorted(return_lines):  # fixed order: stock rows are locked line by line
            line, data = return_lines[line_id], by_line[line_id]
            warehouse = warehouses.get(data.warehouse_id)
            if data.found_condition != FoundCondition.QUARANTINE:
                if warehouse is None or not warehouse.is_active:
                    raise ReturnError(
                        _("Choose an active warehouse for the units of %(sku)s.") % {"sku": line.order_line.sku}
                    )
                reason = _("Return %(number)s") % {"number": request.number}
                try:
                    stock_return(
                        variant=line.order_line.variant,
                        warehouse=warehouse,
                        quantity=line.quantity,
                        return_id=request.pk,
                        actor=actor,
                        reason=reason,
                    )
                    if data.found_condition == FoundCondition.WRITE_OFF:
                        stock_write_off(
                            variant=line.order_line.variant,
                            warehouse=warehouse,
                            quantity=line.quantity,
                            actor=actor,
                            reason=_("Damaged in return %(number)s") % {"number": request.number},
                        )
                except InventoryError as error:
                    raise ReturnError(str(error)) from None
            line.found_condition, line.warehouse, line.received_at = data.found_condition, warehouse, now
            line.save(update_fields=["found_condition", "warehouse", "received_at"])
        return _move(request, ReturnStatus.RECEIVED, actor=actor, note=note)


# --- resolution: money back (refund) or store credit ------------------------------------------


def _paid_per_unit(order: Order) -> dict[int, Decimal]:
    """What the customer paid for one unit of each order line: its total after its own discount
    and its share of any order-level discount (spread as on the receipt)."""
    from receipts.amounts import spread

    lines = list(order.lines.order_by("pk"))
    order_discount = order.discount_total - sum((line.discount for line in lines), ZERO)
    shares = spread(order_discount, [line.line_total for line in lines])
    return {line.pk: (line.line_total - share) / line.quantity for line, share in zip(lines, shares, strict=True)}


def _whole_order_returned(request: ReturnRequest) -> bool:
    ordered = dict(request.order.lines.values_list("pk", "quantity"))
    returning = dict(
        ReturnLine.objects.filter(order_line__order_id=request.order_id)
        .exclude(request__status__in=NOT_RETURNING)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
        .order_by()
    )
    return all(returning.get(line_id, 0) >= quantity for line_id, quantity in ordered.items())


def _shipping_already_returned(request: ReturnRequest) -> bool:
    return (
        ReturnRequest.objects.filter(order_id=request.order_id, shipping_returned__gt=0).exclude(pk=request.pk).exists()
    )


@dataclass(frozen=True)
class ReturnQuote:
    """What a return gives back (shipping included), and the quantity offers it breaks: per offer,
    what the units kept no longer save (the refund is what was paid minus what they cost now)."""

    amount: Decimal
    shipping: Decimal
    offers_lost: list[tuple[str, Decimal]]

    @property
    def offers_lost_total(self) -> Decimal:
        return sum((lost for _name, lost in self.offers_lost), ZERO)


def _offer_group_refund(
    lines: Iterable[OrderLine],
    per_unit: dict[int, Decimal],
    terms: stacking.QuantityTerms | None,
    returned: dict[int, int],
) -> Decimal:
    """What the units `returned` of one quantity offer's pooled lines give back: what was paid for the
    group minus what the units kept cost as the offer prices them now (no discount once its
    condition is broken: a 3x2 kept as 2 costs two full units), never more than the returned
    units were paid. Kept units keep their other discounts (automatic, kit, coupon) as paid."""
    paid_group = paid_returned = kept_without_offer = ZERO
    kept_prices: list[Decimal] = []
    kept_bought, kept_gifts, gift_price = 0, 0, ZERO
    for line in lines:
        back = returned.get(line.pk, 0)
        kept = line.quantity - back
        paid_group += per_unit[line.pk] * line.quantity
        paid_returned += per_unit[line.pk] * back
        kept_without_offer += (per_unit[line.pk] + line.offer_discount / line.quantity) * kept
        sale_price = line.unit_price - line.automatic_discount / line.quantity
        kept_prices += [sale_price] * kept
        if line.offer_discount > 0:  # a gift's line (of a gift offer): free only while the units kept earn it
            kept_gifts, gift_price = kept_gifts + kept, sale_price
        else:
            kept_bought += kept
    if terms is not None and terms.kind == stacking.BUY_X_GET_GIFT:
        discount_now = min(kept_gifts, stacking.gift_units(terms, bought=kept_bought)) * gift_price
    else:
        discount_now = stacking.quantity_discount(terms, kept_prices) if terms else ZERO
    kept_cost = kept_without_offer - discount_now
    return max(ZERO, min(paid_returned, paid_group - kept_cost)).quantize(CENT, rounding=ROUND_HALF_UP)


def _units_returned_before(order_id: int, *, before_return_id: int | None) -> dict[int, int]:
    """Units of the order's earlier returns (not rejected): a return's refund is what it adds to theirs."""
    returns = ReturnLine.objects.filter(order_line__order_id=order_id).exclude(request__status__in=NOT_RETURNING)
    if before_return_id is not None:
        returns = returns.filter(request_id__lt=before_return_id)
    return dict(
        returns.values("order_line_id").annotate(units=Sum("quantity")).values_list("order_line_id", "units").order_by()
    )


def _goods_value(
    order: Order, units: dict[int, int], *, before: dict[int, int]
) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    """What `units` ({order line id: units}) give back after the units returned `before`, and the offers they break."""
    per_unit = _paid_per_unit(order)
    lines = {line.pk: line for line in order.lines.all()}
    value = ZERO
    lost: list[tuple[str, Decimal]] = []
    groups: dict[object, list[OrderLine]] = {}
    for line in lines.values():
        # Pooled by its offer (a gift offer: the lines that earn it with the gift's); lines of older
        # orders, without terms: by the offer's name.
        if offer := (line.offer_terms or {}).get("offer"):
            groups.setdefault(offer, []).append(line)
        elif line.offer_discount > 0:
            groups.setdefault(line.offer_discount_name, []).append(line)
    grouped = {line.pk for group in groups.values() for line in group}
    for line_id, quantity in units.items():
        if line_id not in grouped:
            value += (per_unit[line_id] * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    for group in groups.values():
        if not any(units.get(line.pk) for line in group):
            continue
        terms = stacking.terms_from_snapshot(group[0].offer_terms)
        name = next((line.offer_discount_name for line in group if line.offer_discount_name), "")
        after = {line.pk: before.get(line.pk, 0) + units.get(line.pk, 0) for line in group}
        gives = _offer_group_refund(group, per_unit, terms, after) - _offer_group_refund(
            group, per_unit, terms, {line.pk: before.get(line.pk, 0) for line in group}
        )
        paid = sum(
            ((per_unit[line.pk] * units.get(line.pk, 0)).quantize(CENT, rounding=ROUND_HALF_UP) for line in group), ZERO
        )
        value += gives
        if paid - gives > 0:
            lost.append((name, paid - gives))
    return value, lost


def _quote(
    order: Order, units: dict[int, int], *, before: dict[int, int], whole_order: bool, excluding_return_id: int | None
) -> ReturnQuote:
    from payments.selectors import order_given_back

    value, lost = _goods_value(order, units, before=before)
    shipping = order.shipping_total if order.shipping_total > 0 and whole_order else ZERO
    room = order.total - order_given_back(order_id=order.pk, excluding_return_id=excluding_return_id)
    amount = max(min(value + shipping, room), ZERO)
    return ReturnQuote(amount=amount, shipping=min(shipping, amount), offers_lost=lost)


def _return_quote(request: ReturnRequest) -> ReturnQuote:
    units: dict[int, int] = {}
    for order_line_id, quantity in request.lines.values_list("order_line_id", "quantity"):
        units[order_line_id] = units.get(order_line_id, 0) + quantity
    whole = _whole_order_returned(request) and not _shipping_already_returned(request)
    return _quote(
        request.order,
        units,
        before=_units_returned_before(request.order_id, before_return_id=request.pk),
        whole_order=whole,
        excluding_return_id=request.pk,
    )


def _return_amounts(request: ReturnRequest) -> tuple[Decimal, Decimal]:
    """(what the return gives back, the part of it that is the order's shipping)."""
    quote = _return_quote(request)
    return quote.amount, quote.shipping


def return_quote_preview(*, order: Order, units: dict[int, int]) -> ReturnQuote:
    """What a return of `units` ({order line id: units}) would give back if asked for now, for the
    return form (the shopper sees it before sending): the same rule return_resolve applies."""
    units = {line_id: quantity for line_id, quantity in units.items() if quantity > 0}
    before = _units_returned_before(order.pk, before_return_id=None)
    ordered = dict(order.lines.values_list("pk", "quantity"))
    whole = all(before.get(line_id, 0) + units.get(line_id, 0) >= quantity for line_id, quantity in ordered.items())
    whole = whole and not ReturnRequest.objects.filter(order_id=order.pk, shipping_returned__gt=0).exists()
    return _quote(order, units, before=before, whole_order=whole, excluding_return_id=None)


def offers_lost_note(quote: ReturnQuote) -> str:
    """Why a return gives back less than its units' share (the nota de crédito and the pages say it)."""
    return "; ".join(
        _("without the offer %(offer)s: −%(amount)s") % {"offer": name, "amount": format_money(lost)}
        for name, lost in quote.offers_lost
    )


def return_amount(*, request: ReturnRequest) -> Decimal:
    """What a return gives back: the returned units at what was paid for them (their share of the
    discounts; units of a quantity offer: what was paid minus what the kept units cost without the
    offer's discount they no longer earn), plus shipping when the whole order comes back (once, whichever of its returns is
    resolved first); never more than the order still holds after earlier refunds and credits.
    Decided for good only under the order's row lock (return_resolve)."""
    return _return_amounts(request)[0]


def _refund(request: ReturnRequest, amount: Decimal, *, actor: "AnyUser | None") -> Decimal:
    """Open refund requests (staff approve them in payments) for `amount` over the order's
    completed payments; returns what could not be refunded there."""
    from payments.models import Payment
    from payments.selectors import refundable_amount
    from payments.services import PaymentError
    from payments.services.refunds import refund_request

    remaining = amount
    for payment in Payment.objects.filter(order=request.order, status=Payment.Status.SUCCEEDED).order_by("pk"):
        take = min(refundable_amount(payment=payment), remaining)
        if take <= 0:
            continue
        try:
            refund_request(
                payment=payment,
                amount=take,
                actor=signed_in(actor),
                idempotency_key=f"return-{request.pk}-{payment.pk}",
                reason=_("Return %(number)s") % {"number": request.number},
            )
        except PaymentError as error:
            raise ReturnError(str(error)) from None
        remaining -= take
    return remaining


def return_resolve(
    *, request: ReturnRequest | int, actor: "AnyUser | None", resolution: str = "", note: str = ""
) -> ReturnRequest:
    """Staff confirm what a received return gives back (the customer's choice unless staff pick
    another): a refund request through payments (approved there, then the gateway), or a store
    credit. The part of an order paid with store credit or a gift card goes back as store credit (to a
    guest, on a new gift card). Resolving twice is refused."""
    from credit.selectors import credit_spent_on_order, gift_cards_spent_on_order
    from credit.services import CreditError, store_credit_issue
    from credit.services.gift_cards import GiftCardError, gift_card_issue_for_return

    note = _clean_text(note)
    with transaction.atomic():
        # The order's lock before the request's: refunds, store credit and the other returns of
        # this order wait, so what this one gives back is computed and written once, alone.
        order_id = ReturnRequest.objects.values_list("order_id", flat=True).get(pk=getattr(request, "pk", request))
        Order.objects.select_for_update().filter(pk=order_id).first()
        request = _locked(request)
        if request.status != ReturnStatus.RECEIVED:
            if request.status in (ReturnStatus.RESOLVED, ReturnStatus.CLOSED):
                raise ReturnError(_("Return %(number)s was already resolved.") % {"number": request.number})
            raise ReturnError(_("Only a received return can be resolved."))
        resolution = _clean_resolution(request.order, resolution or request.resolution)
        if not resolution:
            raise ReturnError(_("Choose a refund or store credit."))
        quote = _return_quote(request)
        amount, shipping = quote.amount, quote.shipping
        if amount <= 0 and quote.offers_lost:
            # The units kept now cost what was paid (a 3x2's free unit came back): the goods are
            # back and nothing is owed, so nothing is refunded and no nota de crédito is issued.
            request.resolution, request.resolved_amount, request.shipping_returned = resolution, ZERO, ZERO
            request.save(update_fields=["resolved_amount", "shipping_returned"])
            return _move(request, ReturnStatus.RESOLVED, actor=actor, note=note)
        if amount <= 0:
            raise ReturnError(
                _("Nothing is left to give back for order %(number)s.") % {"number": request.order.number}
            )
        customer = request.order.customer
        try:
            if resolution == Resolution.REFUND:
                rest = _refund(request, amount, actor=actor)
                # What store credit or a gift card paid goes back as store credit (counted in
                # order_given_back, so later returns see it); a card is a bearer voucher that may
                # have changed hands, so the money goes to the customer who spent it. A guest
                # (gift cards only: store credit needs an account) gets it on a new gift card
                # e-mailed to the order's address, counted the same way.
                paid_by_credit = credit_spent_on_order(order_id=request.order_id) + gift_cards_spent_on_order(
                    order_id=request.order_id
                )
                if rest > 0 and customer is not None and paid_by_credit > 0:
                    rest -= store_credit_issue(
                        customer=customer, amount=min(rest, paid_by_credit), return_request=request
                    ).amount
                elif rest > 0 and customer is None and paid_by_credit > 0:
                    order = request.order
                    rest -= gift_card_issue_for_return(
                        return_request=request,
                        amount=min(rest, paid_by_credit),
                        email=order.email,
                        name=order.shipping_address.get("recipient", ""),
                    ).amount
                if rest == amount:
                    raise ReturnError(_("No payment of this order can be refunded: choose store credit."))
                amount -= rest
            else:
                store_credit_issue(customer=customer, amount=amount, return_request=request)
        except (CreditError, GiftCardError) as error:
            raise ReturnError(str(error)) from None
        request.resolution, request.resolved_amount = resolution, amount
        request.shipping_returned = min(shipping, amount)
        request.save(update_fields=["resolved_amount", "shipping_returned"])
        return _move(request, ReturnStatus.RESOLVED, actor=actor, note=note)


def return_close(*, request: ReturnRequest | int, actor: "AnyUser | None", note: str = "") -> ReturnRequest:
    """Staff file a resolved or rejected return away."""
    note = _clean_text(note)
    with transaction.atomic():
        return _move(_locked(request), ReturnStatus.CLOSED, actor=actor, note=note)
