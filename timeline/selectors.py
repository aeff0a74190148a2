"""An order's timeline, assembled from the rows the store already keeps.

There is no event log of its own: each event is read from the row that records it (the order's
status changes, e-mails and staff notes; payment attempts and refunds; receipts with SUNAT's
answer; shipment legs and their events; return requests and their status changes; store credit
given and spent; the coupon), so the timeline can never disagree with them and needs no
back-filling. `_entries` builds the one list, with what each audience may see of each event;
`order_timeline` is that list filtered for the staff, a seller or the customer.

One query per kind of row, whatever the number of events (a fixed count: the order pages stay flat).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import format_money
from credit.models import CreditUse, CreditUseKind, GiftCard, GiftCardUse, GiftCardUseKind, StoreCredit
from orders.models import Order, OrderChannel, OrderEmail, OrderNote, OrderStatus, OrderStatusChange
from orders.timeline import Audience, TimelineEvent
from payments.models import Payment, Refund
from promotions.models import CouponRedemption
from receipts.models import Receipt, ReceiptKind, SendStatus
from returns.models import ReturnStatus, ReturnStatusChange
from shipping.models import ShipmentEvent, ShipmentStatus

ALL_SELLERS = True  # an event every seller of the order sees (its status), as opposed to one seller's leg

# Order of events recorded in the same instant (a payment and its status, a refund and its
# nota de crédito): how they happen in the store's flow.
RANK = {
    kind: index
    for index, kind in enumerate(
        (
            "order",
            "coupon",
            "credit",
            "payment",
            "status",
            "receipt",
            "email",
            "shipment",
            "return",
            "refund",
            "note",
        )
    )
}

# The order statuses its legs decide: shown through the legs' own events (carrier, tracking) when
# the order has legs, as a status otherwise.
FOLLOWS_SHIPMENTS = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


@dataclass
class _Entry:
    when: datetime
    kind: str
    pk: int
    title: str
    shopper_title: str | None = None  # None: not shown to the customer
    detail: str = ""  # staff (and seller) only
    shopper_detail: str = ""
    who: str = ""
    admin_url: str = ""
    shopper_url: str = ""
    tone: str = ""
    seller: bool | int = False  # ALL_SELLERS, one seller's id, or False: not for sellers

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.when, RANK[self.kind], self.pk)


def order_timeline(*, order: Order, audience: str, seller_id: int | None = None) -> list[TimelineEvent]:
    """Every event of the order, oldest first, as `audience` may see it (orders.ports.order_timeline).
    A seller sees the order's status and the legs of their own warehouses, nothing else; the
    customer sees the shopper's wording, without staff-only events, notes, names or gateway data."""
    if audience not in Audience.ALL:
        raise ValueError(f"unknown timeline audience {audience!r}")
    if audience == Audience.SELLER and seller_id is None:
        raise ValueError("a seller's timeline needs the seller")
    entries = sorted(_entries(order, audience=audience), key=lambda entry: entry.sort_key)
    if audience == Audience.STAFF:
        return [
            TimelineEvent(
                when=e.when, kind=e.kind, title=e.title, detail=e.detail, who=e.who, url=e.admin_url, tone=e.tone
            )
            for e in entries
        ]
    if audience == Audience.SELLER:
        return [
            TimelineEvent(when=e.when, kind=e.kind, title=e.title, detail=e.detail, url=e.admin_url, tone=e.tone)
            for e in entries
            if e.seller is ALL_SELLERS or e.seller == seller_id
        ]
    return [
        TimelineEvent(
            when=e.when, kind=e.kind, title=e.shopper_title, detail=e.shopper_detail, url=e.shopper_url, tone=e.tone
        )
        for e in entries
        if e.shopper_title is not None
    ]


def _entries(order: Order, *, audience: str) -> list[_Entry]:
    entries = [
        _Entry(
            when=order.placed_at,
            kind="order",
            pk=0,
            title=_("Order placed"),
            shopper_title=_("Order placed"),
            seller=ALL_SELLERS,
        )
    ]
    if audience == Audience.STAFF and order.taken_by_id:
        entries.append(_taken_by_entry(order))
    shipments = _shipment_entries(order)
    has_legs = bool(shipments)
    entries += shipments
    if audience == Audience.SELLER:  # a seller sees the order's status and their legs; nothing else is read
        return entries + _status_entries(order, paid_by_payment=False, has_legs=has_legs)
    payments = _payment_entries(order)
    paid_by_payment = any(entry.tone == "success" for entry in payments)
    entries += payments
    entries += _status_entries(order, paid_by_payment=paid_by_payment, has_legs=has_legs)
    entries += _refund_entries(order)
    entries += _receipt_entries(order)
    entries += _email_entries(order)
    entries += _return_entries(order)
    entries += _credit_entries(order)
    entries += _coupon_entries(order)
    entries += _note_entries(order)
    return entries


def _admin_url(name: str, pk: int) -> str:
    try:
        return reverse(f"admin:{name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _who(user: User | None) -> str:
    """The staff member who acted; a customer acting on their own order is not named."""
    if user is None or not user.is_staff:
        return ""
    return user.get_full_name() or user.email


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- the order ----------------------------------------------------------------------------------


def _taken_by_entry(order: Order) -> _Entry:
    """Staff only: who took the order for the customer, and through which channel (WhatsApp, phone)."""
    taken_by = order.taken_by
    who = taken_by.get_full_name() or taken_by.email if taken_by is not None else ""
    title = (
        _("Order taken by %(who)s on WhatsApp")
        if order.channel == OrderChannel.WHATSAPP
        else _("Order taken by %(who)s by phone")
    ) % {"who": who}
    return _Entry(when=order.placed_at, kind="order", pk=1, title=title, who=who)


def _status_entries(order: Order, *, paid_by_payment: bool, has_legs: bool) -> list[_Entry]:
    entries = []
    for change in OrderStatusChange.objects.filter(order=order).select_related("actor").order_by("created_at", "pk"):
        status = change.to_status
        if status == OrderStatus.PENDING_PAYMENT:
            continue  # "Order placed", from the order itself
        if status == OrderStatus.PAID and paid_by_payment:
            continue  # the payment's own event says it, with the gateway
        if status in FOLLOWS_SHIPMENTS and has_legs:
            continue  # the legs' events say it, with carrier and tracking
        if status == OrderStatus.CANCELLED:
            title = shopper = _("Order cancelled")
            tone = "danger"
        elif status == OrderStatus.PAID:
            title = shopper = _("Payment confirmed")
            tone = "success"
        else:
            title = shopper = _("Status: %(status)s") % {"status": change.get_to_status_display()}
            tone = "success" if status == OrderStatus.DELIVERED else ""
        entries.append(
            _Entry(
                when=change.created_at,
                kind="status",
                pk=change.pk,
                title=title,
                shopper_title=shopper,
                detail=change.note,
                shopper_detail=change.note if status == OrderStatus.CANCELLED else "",
                who=_who(change.actor),
                tone=tone,
                seller=ALL_SELLERS,
            )
        )
    return entries


def _email_entries(order: Order) -> list[_Entry]:
    entries = []
    for email in OrderEmail.objects.filter(order=order).order_by("created_at", "pk"):
        what = _lower_first(email.get_kind_display())
        if email.sent_at:
            title = _("E-mail sent: %(what)s") % {"what": what}
            entries.append(_Entry(when=email.sent_at, kind="email", pk=email.pk, title=title, shopper_title=title))
        else:
            entries.append(
                _Entry(
                    when=email.created_at,
                    kind="email",
                    pk=email.pk,
                    tone="warning",
                    title=_("E-mail not sent yet: %(what)s") % {"what": what},
                )
            )
    return entries


def _note_entries(order: Order) -> list[_Entry]:
    entries = []
    for note in OrderNote.objects.filter(order=order).select_related("author").order_by("created_at", "pk"):
        entries.append(
            _Entry(
                when=note.created_at,
                kind="note",
                pk=note.pk,
                title=_("Staff note (shown to the customer)") if note.visible_to_customer else _("Staff note"),
                shopper_title=_("Note from the store") if note.visible_to_customer else None,
                detail=note.text,
                shopper_detail=note.text,
                who=_who(note.author),
            )
        )
    return entries


# --- money --------------------------------------------------------------------------------------


class _Common(TypedDict):
    """What every entry of one row shares (the row's kind, id and admin page)."""

    kind: str
    pk: int
    admin_url: str


class _PaymentCommon(_Common):
    detail: str
    who: str


def _payment_entries(order: Order) -> list[_Entry]:
    entries = []
    for payment in Payment.objects.filter(order=order).select_related("created_by").order_by("created_at", "pk"):
        provider = payment.get_provider_display()
        card = f"{payment.card_brand} •••• {payment.card_last4}".strip() if payment.card_last4 else ""
        staff_detail = " · ".join(
            filter(None, [format_money(payment.amount), card, payment.failure_message, payment.gateway_reference])
        )
        common: _PaymentCommon = {
            "kind": "payment",
            "pk": payment.pk,
            "detail": staff_detail,
            "who": _who(payment.created_by),
            "admin_url": _admin_url("payments_payment", payment.pk),
        }
        when = payment.completed_at or payment.created_at
        if payment.status == Payment.Status.SUCCEEDED:
            title = _("Payment confirmed (%(provider)s)") % {"provider": provider}
            entries.append(
                _Entry(
                    when=when,
                    title=title,
                    shopper_title=title,
                    tone="success",
                    shopper_detail=" · ".join(filter(None, [format_money(payment.amount), card])),
                    **common,
                )
            )
        elif payment.status in (Payment.Status.DECLINED, Payment.Status.FAILED):
            title = (
                _("Payment declined (%(provider)s)")
                if payment.status == Payment.Status.DECLINED
                else _("Payment failed (%(provider)s)")
            ) % {"provider": provider}
            entries.append(_Entry(when=when, title=title, shopper_title=title, tone="danger", **common))
        elif payment.status == Payment.Status.ABANDONED:
            entries.append(
                _Entry(when=when, title=_("Payment abandoned (%(provider)s)") % {"provider": provider}, **common)
            )
        else:
            entries.append(
                _Entry(
                    when=when,
                    title=_("Payment started (%(provider)s)") % {"provider": provider},
                    tone="warning",
                    **common,
                )
            )
    return entries


def _refund_entries(order: Order) -> list[_Entry]:
    entries = []
    refunds = Refund.objects.filter(payment__order=order).select_related("requested_by", "approved_by")
    for refund in refunds.order_by("created_at", "pk"):
        amount = format_money(refund.amount)
        common: _Common = {"kind": "refund", "pk": refund.pk, "admin_url": _admin_url("payments_refund", refund.pk)}
        entries.append(
            _Entry(
                when=refund.created_at,
                title=_("Refund of %(amount)s requested") % {"amount": amount},
                detail=refund.reason,
                who=_who(refund.requested_by),
                **common,
            )
        )
        if refund.approved_at:
            entries.append(
                _Entry(
                    when=refund.approved_at,
                    title=_("Refund of %(amount)s approved") % {"amount": amount},
                    who=_who(refund.approved_by),
                    **common,
                )
            )
        if refund.status == Refund.Status.SUCCEEDED:
            title = _("Refund %(amount)s") % {"amount": amount}
            entries.append(
                _Entry(
                    when=refund.updated_at,
                    title=title,
                    shopper_title=title,
                    tone="success",
                    detail=refund.gateway_reference or "",
                    **common,
                )
            )
        elif refund.status == Refund.Status.FAILED:
            entries.append(
                _Entry(
                    when=refund.updated_at,
                    title=_("Refund of %(amount)s failed") % {"amount": amount},
                    detail=refund.failure_message,
                    tone="danger",
                    **common,
                )
            )
    return entries


SUNAT_ANSWER: dict[str, Callable[[], str]] = {
    SendStatus.PENDING: lambda: _("waiting to be sent to SUNAT"),
    SendStatus.ACCEPTED: lambda: _("accepted by SUNAT"),
    SendStatus.OBSERVED: lambda: _("accepted by SUNAT with observations"),
    SendStatus.REJECTED: lambda: _("rejected by SUNAT"),
    SendStatus.SENT: lambda: _("sent to SUNAT, no answer yet"),
    SendStatus.EXCEPTION: lambda: _("not received by SUNAT, to send again"),
}
SUNAT_TONES: dict[str, str] = {
    SendStatus.REJECTED: "danger",
    SendStatus.EXCEPTION: "danger",
    SendStatus.PENDING: "warning",
}


def _receipt_name(receipt: Receipt) -> str:
    names: dict[str, str] = {
        ReceiptKind.BOLETA: _("Boleta"),
        ReceiptKind.FACTURA: _("Factura"),
        ReceiptKind.CREDIT_NOTE: _("Credit note"),
        ReceiptKind.DEBIT_NOTE: _("Debit note"),
    }
    return f"{names.get(receipt.kind, receipt.get_kind_display())} {receipt.full_number}"


def _receipt_entries(order: Order) -> list[_Entry]:
    entries = []
    # Not the XML nor the CDR: the timeline needs the answer, not the documents.
    receipts = Receipt.objects.filter(order=order).only(
        "pk",
        "order_id",
        "kind",
        "series",
        "number",
        "reason_code",
        "reason",
        "issued_at",
        "send_status",
        "sent_at",
        "cdr_code",
        "cdr_message",
        "emailed_at",
        "total",
    )
    for receipt in receipts.order_by("issued_at", "pk"):
        name = _receipt_name(receipt)
        title = _("%(receipt)s issued · %(answer)s") % {"receipt": name, "answer": SUNAT_ANSWER[receipt.send_status]()}
        # The shopper reads SUNAT's acceptance; a rejection or a failed send is the store's to fix.
        accepted = receipt.send_status in (SendStatus.ACCEPTED, SendStatus.OBSERVED)
        shopper: str | None = (_("%(receipt)s issued · accepted by SUNAT") if accepted else _("%(receipt)s issued")) % {
            "receipt": name
        }
        if receipt.send_status == SendStatus.REJECTED:
            shopper = None  # never issued for the customer: its re-issue is

        reason = receipt.reason or (receipt.reason_label if receipt.reason_code else "")
        cdr = " ".join(filter(None, [receipt.cdr_code, receipt.cdr_message]))
        admin_url = _admin_url("receipts_receipt", receipt.pk)
        entries.append(
            _Entry(
                when=receipt.issued_at,
                kind="receipt",
                pk=receipt.pk,
                title=title,
                shopper_title=shopper,
                detail=" · ".join(filter(None, [format_money(receipt.total), reason, cdr])),
                shopper_detail=" · ".join(filter(None, [format_money(receipt.total), reason])),
                admin_url=admin_url,
                tone=SUNAT_TONES.get(receipt.send_status, ""),
            )
        )
        if receipt.emailed_at:
            sent = _("E-mail sent: %(receipt)s") % {"receipt": _lower_first(name)}
            entries.append(
                _Entry(
                    when=receipt.emailed_at,
                    kind="email",
                    pk=receipt.pk,
                    title=sent,
                    shopper_title=sent,
                    admin_url=admin_url,
                )
            )
    return entries


def _credit_entries(order: Order) -> list[_Entry]:
    entries = []
    for use in CreditUse.objects.filter(order=order).select_related("credit").order_by("created_at", "pk"):
        values = {"amount": format_money(abs(use.amount)), "number": use.credit.number}
        title = (
            _("Paid %(amount)s with store credit %(number)s")
            if use.kind == CreditUseKind.SPEND
            else _("Store credit %(number)s given back: %(amount)s")
        ) % values
        entries.append(
            _Entry(
                when=use.created_at,
                kind="credit",
                pk=use.pk,
                title=title,
                shopper_title=title,
                admin_url=_admin_url("credit_storecredit", use.credit_id),
            )
        )
    for card_use in GiftCardUse.objects.filter(order=order).select_related("card").order_by("created_at", "pk"):
        values = {"amount": format_money(abs(card_use.amount)), "last4": card_use.card.code[-4:]}
        title = (
            _("Paid %(amount)s with gift card •••• %(last4)s")
            if card_use.kind == GiftCardUseKind.SPEND
            else _("Gift card •••• %(last4)s given back: %(amount)s")
        ) % values
        entries.append(
            _Entry(
                when=card_use.created_at,
                kind="credit",
                pk=card_use.pk,
                title=title,
                shopper_title=title,
                detail=card_use.card.number,
                admin_url=_admin_url("credit_giftcard", card_use.card_id),
            )
        )
    for card in GiftCard.objects.filter(return_request__order=order).select_related("return_request"):
        assert card.return_request is not None  # the query goes through it
        title = _("Gift card •••• %(last4)s for %(amount)s (return %(return)s)") % {
            "last4": card.code[-4:],
            "amount": format_money(card.amount),
            "return": card.return_request.number,
        }
        entries.append(
            _Entry(
                when=card.created_at,
                kind="refund",
                pk=card.pk,
                title=title,
                shopper_title=title,
                tone="success",
                detail=card.number,
                admin_url=_admin_url("credit_giftcard", card.pk),
            )
        )
    for credit in StoreCredit.objects.filter(return_request__order=order).select_related("return_request"):
        assert credit.return_request is not None  # the query goes through it
        title = _("Store credit %(number)s for %(amount)s (return %(return)s)") % {
            "number": credit.number,
            "amount": format_money(credit.amount),
            "return": credit.return_request.number,
        }
        entries.append(
            _Entry(
                when=credit.created_at,
                kind="refund",
                pk=credit.pk,
                title=title,
                shopper_title=title,
                tone="success",
                admin_url=_admin_url("credit_storecredit", credit.pk),
            )
        )
    return entries


def _coupon_entries(order: Order) -> list[_Entry]:
    redemption = CouponRedemption.objects.filter(order=order).select_related("coupon").first()
    if redemption is None:
        return []
    code, url = redemption.coupon.code, _admin_url("promotions_coupon", redemption.coupon_id)
    title = (
        _("Coupon %(code)s applied (−%(amount)s)") % {"code": code, "amount": format_money(redemption.amount)}
        if redemption.amount
        else _("Coupon %(code)s applied") % {"code": code}
    )
    entries = [
        _Entry(
            when=redemption.created_at, kind="coupon", pk=redemption.pk, title=title, shopper_title=title, admin_url=url
        )
    ]
    if redemption.released_at:
        entries.append(
            _Entry(
                when=redemption.released_at,
                kind="coupon",
                pk=redemption.pk,
                admin_url=url,
                title=_("Coupon %(code)s released (its use given back)") % {"code": code},
            )
        )
    return entries


# --- fulfilment and returns -----------------------------------------------------------------------


def _shipment_title(event: ShipmentEvent) -> str:
    shipment, status = event.shipment, event.to_status
    if status == ShipmentStatus.SHIPPED:
        values = {"carrier": shipment.get_carrier_display(), "tracking": shipment.tracking_number}
        if shipment.carrier and shipment.tracking_number:
            return _("Shipped with %(carrier)s · tracking %(tracking)s") % values
        return _("Shipped with %(carrier)s") % values if shipment.carrier else _("Shipped")
    titles: dict[str, str] = {
        ShipmentStatus.PACKED: _("Package packed"),
        ShipmentStatus.READY_FOR_PICKUP: _("Ready for pickup"),
        ShipmentStatus.IN_TRANSIT: _("On its way"),
        ShipmentStatus.DELIVERED: _("Delivered"),
        ShipmentStatus.DELIVERY_FAILED: _("Delivery failed"),
        ShipmentStatus.RETURNED: _("Returned to sender"),
        ShipmentStatus.CANCELLED: _("Shipment cancelled"),
    }
    return titles.get(status, event.get_to_status_display())


SHIPMENT_EVENT_TONES: dict[str, str] = {
    ShipmentStatus.DELIVERED: "success",
    ShipmentStatus.DELIVERY_FAILED: "danger",
    ShipmentStatus.RETURNED: "danger",
}


def _shipment_entries(order: Order) -> list[_Entry]:
    events = list(
        ShipmentEvent.objects.filter(shipment__order=order)
        .exclude(to_status=ShipmentStatus.PENDING)
        .select_related("shipment__warehouse", "actor")
        .order_by("created_at", "pk")
    )
    legs = sorted({event.shipment_id for event in events})
    entries = []
    for event in events:
        shipment = event.shipment
        package = (
            _("Package %(number)d of %(count)d") % {"number": legs.index(shipment.pk) + 1, "count": len(legs)}
            if len(legs) > 1
            else ""
        )
        staff_detail = " · ".join(
            filter(None, [f"{order.number} · E{shipment.pk}", shipment.warehouse.name, event.note])
        )
        entries.append(
            _Entry(
                when=event.created_at,
                kind="shipment",
                pk=event.pk,
                title=_shipment_title(event),
                shopper_title=_shipment_title(event),
                detail=staff_detail,
                shopper_detail=package,
                who=_who(event.actor),
                admin_url=_admin_url("shipping_shipment", shipment.pk),
                shopper_url=shipment.tracking_url if event.to_status == ShipmentStatus.SHIPPED else "",
                tone=SHIPMENT_EVENT_TONES.get(event.to_status, ""),
                seller=shipment.warehouse.seller_id or False,
            )
        )
    return entries


RETURN_TITLES: dict[str, Callable[[], str]] = {
    ReturnStatus.REQUESTED: lambda: _("Return %(number)s requested"),
    ReturnStatus.APPROVED: lambda: _("Return %(number)s approved"),
    ReturnStatus.REJECTED: lambda: _("Return %(number)s rejected"),
    ReturnStatus.RECEIVED: lambda: _("Return %(number)s received"),
    ReturnStatus.RESOLVED: lambda: _("Return %(number)s resolved"),
    ReturnStatus.CLOSED: lambda: _("Return %(number)s closed"),
}


def _return_entries(order: Order) -> list[_Entry]:
    entries = []
    changes = ReturnStatusChange.objects.filter(request__order=order).select_related("request", "actor")
    for change in changes.order_by("created_at", "pk"):
        request = change.request
        title = RETURN_TITLES[change.to_status]() % {"number": request.number}
        entries.append(
            _Entry(
                when=change.created_at,
                kind="return",
                pk=change.pk,
                title=title,
                shopper_title=title,
                detail=change.note,
                who=_who(change.actor),
                admin_url=_admin_url("returns_returnrequest", request.pk),
                shopper_url=request.get_absolute_url() if order.customer_id else "",
                tone="danger" if change.to_status == ReturnStatus.REJECTED else "",
            )
        )
    return entries
