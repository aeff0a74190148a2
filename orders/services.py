"""Every write to orders goes through these functions: keyword-only, one transaction each.

Checkout (placing an order) builds on order_create; payments and the back office move an
order through its life cycle with order_payment_record, order_transition and order_cancel.

One flow a reader can follow, each step inside the caller's one transaction:

    payments (payment confirmed) → order_payment_record → whether the money must go back
        → ports.commissions_snapshot   (the back office's payouts: each seller line's commission)
        → inventory.services.order_stock_sell   (units leave the stock, or it raises)
        → shipping.services.shipments_create_for_order   (one leg per warehouse sold from)
        → the "payment confirmed" e-mail (after commit)
        → ports.receipt_issue   (receipts issues the boleta or factura, after commit)
        → credit.services.gift_cards.gift_cards_activate_for_order   (the gift cards it sold)
    order_cancel → shipping.services.shipments_cancel_for_order
        → inventory.services.order_stock_restore → credit.services.store_credit_restore_for_order
        → credit.services.gift_cards (what it spent of gift cards back; the cards it sold voided)
        → ports.cancel_payment_attempts_close (payments ends the attempts still pending)
        → ports.cancel_refunds_request (payments opens the refund requests) → e-mail
        → ports.cancellation_credit_note_issue   (an order that took money: receipts annuls its receipt)
    shipping.services (a leg moves, through shipping.ports) → order_lock, then
        order_follow_shipments (partially shipped, shipped, delivered)

The ports are plain calls across the layers, plugged in at start-up: orders.ports asks the
apps above orders (the back office, payments, receipts); orders answers shipping.ports and
promotions.ports for the apps below it. Each runs in the caller's transaction, so what one
raises undoes the whole change.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Address, User
from accounts.services import ADDRESS_FIELDS
from accounts.validators import (
    normalize_identity,
    normalize_legal_name,
    validate_dni,
    validate_legal_name,
    validate_ruc,
)
from catalog.models import Kit, Variant
from core.actors import signed_in
from core.counters import counter_next
from core.idempotency import Owner, first_result
from core.money import format_money
from core.once import Stamp
from core.site_settings import site_setting
from credit.services import CreditError, store_credit_restore_for_order, store_credit_spend_again_for_order
from credit.services.gift_cards import (
    GiftCardDetails,
    GiftCardError,
    gift_card_restore_for_order,
    gift_card_spend_again_for_order,
    gift_cards_activate_for_order,
    gift_cards_cancel_for_order,
    gift_cards_sell,
)
from inventory import services as inventory_services
from inventory.exceptions import InventoryError, ReservationNotHeld
from inventory.services import OrderStockSale
from promotions.exceptions import CouponRefused
from promotions.services import coupon_release, coupon_use_retake
from shipping.exceptions import ShipmentError
from shipping.models import LEFT_WAREHOUSE, NOT_YET_SHIPPED, Shipment, ShipmentStatus, ShippingMethod
from shipping.services import shipments_cancel_for_order, shipments_create_for_order, shipments_stop_unshipped

from . import enqueue, ports
from .exceptions import (
    CancelNotAllowed,
    IdempotencyConflict,
    InvalidTransition,
    NoteRefused,
    PaymentWaitRefused,
    RefundCoversShippedGoods,
)
from .models import (
    CANCELLABLE_STATUSES,
    CENT,
    ORDER_NOTE_MAX_LENGTH,
    ZERO,
    DocumentType,
    Order,
    OrderChannel,
    OrderEmail,
    OrderEmailKind,
    OrderLine,
    OrderNote,
    OrderStatus,
    OrderStatusChange,
    PaymentStatus,
)

# Statuses only the shipments decide (order_follow_shipments), never a direct transition.
FULFILMENT_STATUSES = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})

logger = logging.getLogger(__name__)

LIMA = ZoneInfo("America/Lima")
# An address snapshot: the saved address's fields (accounts), its department's name and
# the ubigeo code when checkout knows it.
ADDRESS_KEYS = (*(name for name in ADDRESS_FIELDS if name != "label"), "department_name", "ubigeo")
REQUIRED_ADDRESS_KEYS = ("recipient", "street", "district", "province", "department")


@dataclass(frozen=True, kw_only=True)
class OrderLineData:
    """One line as checkout priced it from the database (prices include IGV).

    line total = unit_price × quantity − discount.
    """

    variant_id: int
    product_name: str
    sku: str
    unit_price: Decimal
    quantity: int
    options: str = ""
    discount: Decimal = ZERO  # every discount of the line; the three parts below add up to at most it
    automatic_discount: Decimal = ZERO
    offer_discount: Decimal = ZERO  # the quantity offer's share (promotions.stacking step 2)
    kit_discount: Decimal = ZERO
    coupon_discount: Decimal = ZERO
    seller_id: int | None = None
    kit_id: int | None = None
    kit_name: str = ""
    automatic_discount_name: str = ""
    offer_discount_name: str = ""
    kit_discount_percent: Decimal = ZERO
    offer_terms: dict[str, Any] = field(
        default_factory=dict
    )  # the quantity offer as it was (promotions.stacking.terms_snapshot)

    @classmethod
    def from_variant(
        cls,
        variant: Variant,
        *,
        quantity: int,
        unit_price: Decimal | None = None,
        discount: Decimal = ZERO,
        kit: Kit | None = None,
        automatic_discount: Decimal = ZERO,
        kit_discount: Decimal = ZERO,
        coupon_discount: Decimal = ZERO,
        automatic_discount_name: str = "",
        offer_discount: Decimal = ZERO,
        offer_discount_name: str = "",
        offer_terms: dict[str, Any] | None = None,
    ) -> "OrderLineData":
        """Snapshot a Variant (its product and option values preferably prefetched)."""
        product = variant.product
        options = " · ".join(f"{value.option.name}: {value.value}" for value in variant.option_values.all())
        return cls(
            variant_id=variant.pk,
            product_name=product.name,
            sku=variant.sku,
            options=options,
            unit_price=variant.price if unit_price is None else unit_price,
            quantity=quantity,
            discount=max(discount, automatic_discount + offer_discount + kit_discount + coupon_discount),
            automatic_discount=automatic_discount,
            offer_discount=offer_discount,
            kit_discount=kit_discount,
            coupon_discount=coupon_discount,
            seller_id=product.seller_id,
            kit_id=getattr(kit, "pk", None),
            kit_name=getattr(kit, "name", ""),
            automatic_discount_name=automatic_discount_name if automatic_discount else "",
            offer_discount_name=offer_discount_name if offer_discount else "",
            offer_terms=dict(offer_terms or {}),  # also on the lines that earn a gift (no discount of their own)
            kit_discount_percent=getattr(kit, "discount_percent", ZERO) if kit_discount else ZERO,
        )

    @property
    def line_total(self) -> Decimal:
        return Decimal(self.unit_price) * self.quantity - Decimal(self.discount)


def address_snapshot(address: Address) -> dict[str, str]:
    """The JSON an order keeps of a saved address: it must not change when the address does."""
    snapshot = {name: getattr(address, name) for name in ADDRESS_FIELDS if name != "label"}
    snapshot["department_name"] = address.get_department_display()
    return snapshot


def _clean_address(data: dict[str, Any], *, field: str) -> dict[str, str]:
    if not isinstance(data, dict):
        raise ValidationError({field: _("The address is missing.")})
    snapshot = {key: str(data[key]).strip() for key in ADDRESS_KEYS if data.get(key) not in (None, "")}
    missing = [key for key in REQUIRED_ADDRESS_KEYS if not snapshot.get(key)]
    if missing:
        raise ValidationError({field: _("The address is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}})
    snapshot.setdefault("country", "PE")
    return snapshot


# SUNAT: a boleta above S/ 700 names its buyer (Reglamento de Comprobantes de Pago, art. 8).
ANONYMOUS_RECEIPT_LIMIT = Decimal("700.00")


def anonymous_receipt_refusal() -> str:
    return _(
        "For purchases above S/ 700, SUNAT asks for the buyer's document on the receipt: "
        "add your DNI (or a RUC for an invoice)."
    )


def _clean_document(document: str, document_type: str, legal_name: str) -> tuple[str, str, str]:
    """The receipt's identity: (document, its type, the company name). A RUC (factura) comes
    with the company's name (razón social), which SUNAT wants on it; a DNI or no document, never."""
    document = normalize_identity(document)
    legal_name = normalize_legal_name(legal_name)
    if document and not document_type:
        document_type = DocumentType.RUC if len(document) == 11 else DocumentType.DNI
    if not document:
        document_type = ""
    elif document_type == DocumentType.DNI:
        validate_dni(document)
    elif document_type == DocumentType.RUC:
        validate_ruc(document)
        try:
            validate_legal_name(legal_name)
        except ValidationError as error:
            raise ValidationError({"customer_legal_name": error.messages}) from None
    else:
        raise ValidationError({"customer_document_type": _("Choose DNI or RUC.")})
    if legal_name and document_type != DocumentType.RUC:
        raise ValidationError({"customer_legal_name": _("A company name goes with a RUC, on an invoice (factura).")})
    return document, document_type, legal_name


def _check_lines(lines: list[OrderLineData]) -> None:
    if not lines:
        raise ValidationError(_("An order needs at least one line."))
    for line in lines:
        if not isinstance(line.quantity, int) or line.quantity < 1:
            raise ValidationError(_("Each line needs a quantity of at least 1."))
        if Decimal(line.unit_price) < 0 or Decimal(line.discount) < 0 or line.line_total < 0:
            raise ValidationError(_("A line has a negative price or a discount above its amount."))
        if any(Decimal(amount) != Decimal(amount).quantize(CENT) for amount in (line.unit_price, line.discount)):
            raise ValidationError(_("Prices and discounts are in soles with at most two decimals."))


def order_number_day(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), LIMA).date()


def order_number_next(*, day: date) -> str:
    """The next PED-YYYYMMDD-NNNN of a day (America/Lima), race-free.

    One counter row per day is incremented atomically: concurrent checkouts queue on that
    row until the placing transaction ends, so no two get the same number. A rolled-back
    checkout leaves a gap (the number is simply never used); the unique constraint on
    Order.number guards uniqueness too. NNNN has at least 4 digits and grows past 9999.
    Call it inside the placing transaction, as late as possible (it holds the row lock).
    """
    last = counter_next(scope="order", key=day.isoformat())
    return f"PED-{day:%Y%m%d}-{last:04d}"


def _record_change(*, order: Order, from_status: str, to_status: str, actor: User | None, note: str) -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=signed_in(actor),
        note=note[:255],
    )


def _lock(order: Order) -> Order:
    """Re-read the order under a row lock: every status change starts from the stored status."""
    return order_lock(order.pk)


def order_lock(order_id: int) -> Order:
    """The order read under its row lock, inside the caller's transaction (shipping asks for it
    before it moves a shipment: shipping.ports.order_lock)."""
    return Order.objects.select_for_update().get(pk=order_id)


def _clean_amounts(shipping_total: Decimal | int | str, discount_total: Decimal | int | str) -> tuple[Decimal, Decimal]:
    shipping_total, discount_total = Decimal(shipping_total), Decimal(discount_total)
    if shipping_total < 0 or discount_total < 0:
        raise ValidationError(_("Shipping and discount cannot be negative."))
    if shipping_total != shipping_total.quantize(CENT) or discount_total != discount_total.quantize(CENT):
        raise ValidationError(_("Prices and discounts are in soles with at most two decimals."))
    return shipping_total, discount_total


@dataclass(frozen=True, kw_only=True)
class _Totals:
    subtotal: Decimal
    discount: Decimal  # the lines' discounts and the order-level one
    shipping: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount + self.shipping


def _totals(lines: list[OrderLineData], *, shipping_total: Decimal, discount_total: Decimal) -> _Totals:
    subtotal = sum((Decimal(line.unit_price) * line.quantity for line in lines), ZERO)
    discount = sum((Decimal(line.discount) for line in lines), ZERO) + discount_total
    if discount > subtotal:
        raise ValidationError(_("The discount cannot exceed the subtotal."))
    return _Totals(subtotal=subtotal, discount=discount, shipping=shipping_total)


def _check_receipt_buyer(totals: _Totals, document: str) -> None:
    if not document and totals.total > ANONYMOUS_RECEIPT_LIMIT:
        raise ValidationError({"customer_document": anonymous_receipt_refusal()})


def _check_shipping_method(shipping_method_id: object) -> None:
    if shipping_method_id is None:
        return
    if not isinstance(shipping_method_id, int) or not ShippingMethod.objects.filter(pk=shipping_method_id).exists():
        raise ValidationError({"shipping_method_id": _("Choose a shipping method from the list.")})


def _order_insert(*, order: Order, lines: list[OrderLineData], actor: User | None) -> Order:
    """The order row, its lines and its first status change (the caller's savepoint)."""
    order.number = order_number_next(day=order_number_day())
    order.save(force_insert=True)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant_id=line.variant_id,
                product_name=line.product_name[:255],
                sku=line.sku,
                options=line.options[:255],
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                automatic_discount=line.automatic_discount,
                offer_discount=line.offer_discount,
                kit_discount=line.kit_discount,
                coupon_discount=line.coupon_discount,
                line_total=line.line_total,
                seller_id=line.seller_id,
                kit_id=line.kit_id,
                kit_name=line.kit_name[:120],
                automatic_discount_name=line.automatic_discount_name[:120],
                offer_discount_name=line.offer_discount_name[:120],
                kit_discount_percent=line.kit_discount_percent,
                offer_terms=line.offer_terms,
            )
            for line in lines
        ]
    )
    _record_change(order=order, from_status="", to_status=order.status, actor=actor, note="")
    return order


def order_create(
    *,
    customer: User | None,
    email: str,
    lines: list[OrderLineData],
    shipping_address: dict[str, Any],
    billing_address: dict[str, Any],
    shipping_method_id: int | None,
    shipping_method_name: str,
    shipping_total: Decimal,
    discount_total: Decimal = ZERO,
    coupon_code: str = "",
    shipping_discount: Decimal = ZERO,
    idempotency_key: str | None,
    customer_document: str = "",
    customer_document_type: str = "",
    customer_legal_name: str = "",
    actor: User | None = None,
    channel: str = OrderChannel.WEB,
    taken_by: User | None = None,
) -> Order:
    """Create an order pending payment from lines checkout priced from the database.

    Totals: subtotal = Σ unit_price × quantity; discount = Σ line discounts + discount_total
    (an order-level discount on top of the line discounts); total = subtotal − discount +
    shipping. shipping_discount is what a free-shipping coupon took off the shipping (already out
    of shipping_total; shown, not counted again). The same idempotency_key returns the order it created (order.replayed is True;
    False on a new order), also when two submissions race; a key used by another buyer
    raises IdempotencyConflict. Bad data raises ValidationError and writes nothing.
    A RUC (customer_document_type "ruc": a factura) needs customer_legal_name, the company's
    razón social the factura is issued to, and only a RUC takes one. The confirmation e-mail
    is enqueued when the surrounding transaction commits. channel and taken_by: where the order
    was taken and, for an order staff took for a customer (WhatsApp, phone), who took it.
    """
    email = (email or "").strip().lower()
    validate_email(email)
    if channel not in OrderChannel.values:
        raise ValidationError(_("Unknown order channel."))
    _check_lines(lines)
    shipping_total, discount_total = _clean_amounts(shipping_total, discount_total)
    ship_to = _clean_address(shipping_address, field="shipping_address")
    bill_to = _clean_address(billing_address, field="billing_address")
    document, document_type, legal_name = _clean_document(
        customer_document, customer_document_type, customer_legal_name
    )
    totals = _totals(lines, shipping_total=shipping_total, discount_total=discount_total)
    _check_receipt_buyer(totals, document)
    _check_shipping_method(shipping_method_id)

    replay = _replay(key=idempotency_key, customer=customer, email=email)
    if (first := first_result(Order.objects.all(), **replay)) is not None:
        return first
    order = Order(
        customer=customer,
        email=email,
        customer_document=document,
        customer_document_type=document_type,
        customer_legal_name=legal_name,
        subtotal=totals.subtotal,
        discount_total=totals.discount,
        shipping_total=totals.shipping,
        coupon_code=(coupon_code or "")[:40],
        total=totals.total,
        shipping_discount=max(Decimal(shipping_discount), ZERO),
        shipping_address=ship_to,
        billing_address=bill_to,
        shipping_method_id=shipping_method_id,
        shipping_method_name=shipping_method_name or "",
        idempotency_key=idempotency_key or None,
        channel=channel,
        taken_by=taken_by,
    )
    return _order_insert_once(
        order=order,
        replay=replay,
        insert=lambda: _order_insert(order=order, lines=lines, actor=actor or taken_by or customer),
    )


GIFT_CARDS_PER_ORDER = 10


def order_create_for_gift_cards(
    *, customer: User | None, email: str, cards: list[GiftCardDetails], idempotency_key: str | None
) -> Order:
    """An order that sells gift cards (credit.GiftCard, pending until the order is paid): no
    goods, so no lines, no shipping and no receipt; its total is the cards' amounts. The same
    idempotency_key returns the first order (order.replayed), as order_create does."""
    email = (email or "").strip().lower()
    validate_email(email)
    if not cards or len(cards) > GIFT_CARDS_PER_ORDER:
        raise ValidationError(_("An order sells from 1 to %(max)d gift cards.") % {"max": GIFT_CARDS_PER_ORDER})
    total = sum((card.amount for card in cards), ZERO)
    replay = _replay(key=idempotency_key, customer=customer, email=email)
    if (first := first_result(Order.objects.all(), **replay)) is not None:
        return first
    order = Order(
        customer=customer, email=email, gift_cards_total=total, total=total, idempotency_key=idempotency_key or None
    )

    def insert() -> None:
        _order_insert(order=order, lines=[], actor=customer)
        gift_cards_sell(order=order, cards=cards, buyer_email=email)

    return _order_insert_once(order=order, replay=replay, insert=insert)


class _Replay(TypedDict):
    """How a keyed submission finds the order an earlier one created (core.idempotency.first_result)."""

    key: str | None
    owner: Owner
    refusal: Exception


def _replay(*, key: str | None, customer: User | None, email: str) -> _Replay:
    return {"key": key, "owner": Owner.of(customer, email=email), "refusal": IdempotencyConflict()}


def _order_insert_once(*, order: Order, replay: _Replay, insert: Callable[[], object]) -> Order:
    """Run insert (the new order's rows) in a savepoint and enqueue its confirmation; when a
    concurrent submission with the same key won the unique constraint, only the savepoint rolls
    back (its order number is the tolerated gap) and the first order is returned."""
    try:
        with transaction.atomic():
            insert()
    except IntegrityError:
        if (first := first_result(Order.objects.all(), **replay)) is not None:
            return first
        raise
    order.replayed = False
    # An order staff took for a customer is told with its payment link instead of the usual confirmation.
    order_email_enqueue(order=order, kind=OrderEmailKind.PAYMENT_LINK if order.taken_by_id else OrderEmailKind.PLACED)
    return order


def order_email_enqueue(*, order: Order, kind: str, reference: str = "") -> OrderEmail | None:
    """Record that the shopper gets an e-mail about this event and send it after commit.
    The same event recorded twice (a replay) is ignored: None."""
    # get_or_create inserts inside a savepoint of its own: a concurrent duplicate is found, not raised.
    email, created = OrderEmail.objects.get_or_create(order=order, kind=kind, reference=str(reference)[:40])
    if not created:
        return None
    enqueue.order_email_send(email_id=email.pk)
    return email


def order_email_claim(*, email_id: int) -> Stamp:
    """An order e-mail is claimed by stamping its sent_at (core.once.send_once)."""
    return Stamp(OrderEmail.objects.filter(pk=email_id), field="sent_at")


def _transition(*, order: Order, to_status: str, actor: User | None, note: str) -> tuple[Order, str]:
    """Change the status of a locked order, or raise InvalidTransition."""
    previous = order.status
    if not order.can_transition_to(to_status):
        raise InvalidTransition(
            _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "number": order.number,
                "from": OrderStatus(previous).label,
                "to": OrderStatus(to_status).label if to_status in OrderStatus.values else to_status,
            }
        )
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])
    _record_change(order=order, from_status=previous, to_status=to_status, actor=actor, note=note)
    return order, previous


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor: User | None = None, note: str = "") -> Order:
    """Move an order to another status if the allowed-transitions table has that step.

    Paying and cancelling have side effects: use order_payment_record and order_cancel for them.
    Shipped and delivered follow the shipments (order_follow_shipments): refused here.
    """
    if to_status in FULFILMENT_STATUSES:
        raise InvalidTransition(
            _("Order %(number)s ships through its shipments: pack and ship them in “Shipments”.")
            % {"number": order.number}
        )
    if to_status == OrderStatus.PAID:
        return order_payment_record(order=order, actor=actor).order
    if to_status == OrderStatus.CANCELLED:
        return order_cancel(order=order, actor=actor, reason=note, by_customer=False)
    order, _previous = _transition(order=_lock(order), to_status=to_status, actor=actor, note=note)
    return order


@dataclass(frozen=True)
class PaymentRecorded:
    """What recording a payment did: needs_refund when the money cannot be kept as it is (the
    order was cancelled, or inventory could not sell its stock) and staff should refund it."""

    order: Order
    needs_refund: bool


@transaction.atomic
def order_payment_record(*, order: Order, actor: User | None = None) -> PaymentRecorded:
    """The payment succeeded: PENDING_PAYMENT → PAID, payment status paid; then, in order,
    the units leave the stock (inventory), the shipments are created per warehouse leg
    (shipping), the "payment confirmed" e-mail is queued and receipts is asked for the receipt.

    Stock that cannot be taken never loses a payment: the order stays paid, is flagged for
    staff, and gets no shipments until order_fulfilment_retry takes the stock.
    Idempotent: an order already paid is returned unchanged (replayed webhooks). A payment that
    arrives after the order expired unpaid (a CIP paid at the last minute, its notice late) revives
    it when its coupon use (within the coupon's limits), its units and the store credit and gift
    cards it had spent can all be taken again at once (_revive_sale); otherwise, and for an order
    the customer or staff cancelled, the payment status becomes paid and the order is flagged
    needs_attention for staff to refund it.
    """
    order = _lock(order)
    if order.payment_status == PaymentStatus.PAID and order.status != OrderStatus.PENDING_PAYMENT:
        return PaymentRecorded(order, needs_refund=order.status == OrderStatus.CANCELLED)
    now = timezone.now()
    revived: OrderStockSale | None = None
    if order.status == OrderStatus.CANCELLED:
        revived = _revive_sale(order=order, actor=actor)
        if revived is None:
            order.payment_status = PaymentStatus.PAID
            order.paid_at = now
            _add_attention_note(order, _("Payment received after the order was cancelled: refund it."))
            order.save(update_fields=["payment_status", "paid_at", "needs_attention", "attention_note", "updated_at"])
            return PaymentRecorded(order, needs_refund=True)
        _revive(order=order, actor=actor)
    else:
        order, _previous = _transition(order=order, to_status=OrderStatus.PAID, actor=actor, note="")
    order.payment_status = PaymentStatus.PAID
    order.paid_at = now
    order.save(update_fields=["payment_status", "paid_at", "updated_at"])
    ports.commissions_snapshot(order_id=order.pk)  # marketplace payouts (backoffice)
    if revived is not None:
        shipments_create_for_order(order=order, units_out=revived.units_out)
        stock_taken = True
    else:
        stock_taken = _take_stock_and_create_shipments(order=order, actor=actor)
    order_email_enqueue(order=order, kind=OrderEmailKind.PAID)
    if has_taxed_sale(order):
        ports.receipt_issue(order_id=order.pk)  # the boleta or factura (receipts), after commit
    gift_cards_activate_for_order(order=order)  # the cards it sold can be spent, and are e-mailed on their date
    return PaymentRecorded(order, needs_refund=not stock_taken)


def _revivable(order: Order) -> bool:
    """An order cancelled only because its payment did not arrive in time, that sold no gift cards
    (the cancellation voided them, and a voided card is never brought back)."""
    return order.expired_unpaid and not order.gift_cards_total


def _order_lines_by_variant(order: Order) -> dict[int, int]:
    lines: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        lines[variant_id] = lines.get(variant_id, 0) + quantity
    return lines


def _revive_sale(*, order: Order, actor: User | None) -> OrderStockSale | None:
    """Take again what the expiry gave back, all or nothing (one savepoint): its coupon use, its
    units (sold), then the store credit and gift cards it had spent (a new round in their ledgers,
    under each balance's row lock, with checkout's checks). None when any is gone: nothing is
    written and the money goes back. The locks follow checkout's order (coupon, stock, credit,
    card) so a late payment racing a checkout waits rather than deadlocks."""
    if not _revivable(order):
        return None
    try:
        with transaction.atomic():
            if order.coupon_code:
                coupon_use_retake(order=order, customer=order.customer, email=order.email)
            sale = inventory_services.order_stock_sell(
                order_id=order.pk, lines=_order_lines_by_variant(order), actor=signed_in(actor)
            )
            store_credit_spend_again_for_order(order=order)
            gift_card_spend_again_for_order(order=order)
            return sale
    except (InventoryError, CouponRefused, CreditError, GiftCardError) as error:
        logger.info("Late payment for expired order %s: it cannot be revived (%s)", order.number, error)
        return None


def _revive(*, order: Order, actor: User | None) -> None:
    """CANCELLED → PAID for a late payment (outside the transitions table on purpose: only this
    path may undo an expiry). The order row is locked by the caller."""
    note = _("Payment received after the payment window closed: order revived, its units taken again.")
    _record_change(order=order, from_status=order.status, to_status=OrderStatus.PAID, actor=actor, note=note)
    order.status = OrderStatus.PAID
    order.cancelled_at, order.cancel_reason = None, ""
    order.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    # Expired a moment ago by this very notice (payment_complete expires an overdue order first): the
    # "cancelled" e-mail not sent yet is no longer true. One already sent stays in the history.
    OrderEmail.objects.filter(order=order, kind=OrderEmailKind.CANCELLED_UNPAID, sent_at__isnull=True).delete()


def has_taxed_sale(order: Order) -> bool:
    """Whether the order sold anything a receipt is issued for: an order of gift cards only did
    not (a card's sale is money paid in advance, SUNAT Informe N.° 097-2010-SUNAT/2B0000)."""
    return order.total > order.gift_cards_total


def _take_stock_and_create_shipments(*, order: Order, actor: User | None) -> bool:
    """Sell the order's units and create its shipments; False (order flagged) if the stock
    could not be taken. The order must be locked by the caller."""
    lines: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        lines[variant_id] = lines.get(variant_id, 0) + quantity
    try:
        sale = inventory_services.order_stock_sell(order_id=order.pk, lines=lines, actor=signed_in(actor))
    except InventoryError as error:
        logger.warning("Paid order %s could not take its stock: %s", order.number, error)
        _add_attention_note(order, _("Paid, but its stock could not be taken: %(error)s") % {"error": error})
        order.save(update_fields=["needs_attention", "attention_note", "updated_at"])
        return False
    shipments_create_for_order(order=order, units_out=sale.units_out)
    return True


@transaction.atomic
def order_fulfilment_retry(*, order: Order, actor: User | None = None) -> Order:
    """A paid order whose stock could not be taken (flagged, no shipments): take the stock now
    (after staff restocked) and create its shipments. Raises InvalidTransition when there is
    nothing to retry, InventoryError (nothing written) when the stock is still not there."""
    order = _lock(order)
    if (
        order.status not in (OrderStatus.PAID, OrderStatus.PROCESSING)
        or order.shipments.exists()
        or not order.lines.exists()
    ):  # gift cards only: nothing to ship
        raise InvalidTransition(
            _("Order %(number)s is not a paid order waiting for its stock.") % {"number": order.number}
        )
    lines: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        lines[variant_id] = lines.get(variant_id, 0) + quantity
    sale = inventory_services.order_stock_sell(order_id=order.pk, lines=lines, actor=signed_in(actor))
    shipments_create_for_order(order=order, units_out=sale.units_out)
    _add_attention_note(order, _("Stock taken and shipments created."))
    order.needs_attention = False
    order.save(update_fields=["needs_attention", "attention_note", "updated_at"])
    return order


def order_follow_shipments(*, order: Order, shipment: Shipment | None = None, actor: User | None = None) -> Order:
    """A shipment of this order moved (shipping.services, order row locked): the order becomes
    partially shipped, shipped or delivered as its legs say, and the shopper hears about the
    leg that shipped, is ready for pickup or was delivered."""
    statuses = [
        status for status in order.shipments.values_list("status", flat=True) if status != ShipmentStatus.CANCELLED
    ]
    target: str
    if statuses and all(status == ShipmentStatus.DELIVERED for status in statuses):
        target = OrderStatus.DELIVERED
    elif statuses and all(status in LEFT_WAREHOUSE for status in statuses):
        target = OrderStatus.SHIPPED
    elif any(status in LEFT_WAREHOUSE for status in statuses):
        target = OrderStatus.PARTIALLY_SHIPPED
    else:
        target = order.status
    # One step at a time through the allowed table (paid → shipped → delivered).
    steps: dict[str, list[str]] = {
        OrderStatus.PARTIALLY_SHIPPED: [OrderStatus.PARTIALLY_SHIPPED],
        OrderStatus.SHIPPED: [OrderStatus.SHIPPED],
        OrderStatus.DELIVERED: [OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    }
    path = steps.get(target, [])
    for status in path:
        if order.status != status and order.can_transition_to(status):
            _transition(order=order, to_status=status, actor=actor, note=getattr(shipment, "reference", ""))
    if shipment is not None:
        emails: dict[str, str] = {
            ShipmentStatus.SHIPPED: OrderEmailKind.SHIPPED,
            ShipmentStatus.READY_FOR_PICKUP: OrderEmailKind.READY_FOR_PICKUP,
            ShipmentStatus.DELIVERED: OrderEmailKind.DELIVERED,
        }
        kind = emails.get(shipment.status)
        if kind:
            order_email_enqueue(order=order, kind=kind, reference=str(shipment.pk))
    return order


def _add_attention_note(order: Order, note: str) -> None:
    order.needs_attention = True
    order.attention_note = "\n".join(filter(None, [order.attention_note, note]))


def order_flag_for_attention(*, order: Order, note: str) -> Order:
    """Ask staff to look at an order (a late payment, stock that could not be taken), keeping
    every earlier note."""
    with transaction.atomic():
        order = _lock(order)
        order.needs_attention = True
        order.attention_note = "\n".join(filter(None, [order.attention_note, note]))
        order.save(update_fields=["needs_attention", "attention_note", "updated_at"])
        return order


def _cancel_locked(*, order: Order, actor: User | None, reason: str, by_customer: bool, unpaid: bool = False) -> Order:
    if order.status not in CANCELLABLE_STATUSES:
        if order.status == OrderStatus.CANCELLED:
            raise CancelNotAllowed(_("Order %(number)s is already cancelled.") % {"number": order.number})
        raise CancelNotAllowed(
            _("Order %(number)s can no longer be cancelled: it has already shipped. Start a return instead.")
            % {"number": order.number}
        )
    if by_customer and not order.customer_can_cancel():
        raise CancelNotAllowed(
            _("Order %(number)s can no longer be cancelled online: the %(minutes)d-minute window has passed.")
            % {"number": order.number, "minutes": site_setting("ORDER_CANCEL_WINDOW_MINUTES")}
        )
    reason = (reason or "").strip() or (
        _("Cancelled by the customer") if by_customer else pgettext("order status", "Cancelled")
    )
    order, _previous = _transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, note=reason)
    if order.payment_status == PaymentStatus.UNPAID:
        coupon_release(order=order)  # an order never paid gives its coupon use back
    order.cancelled_at = timezone.now()
    order.cancel_reason = reason[:255]
    ports.cancel_payment_attempts_close(order=order, reason=reason)  # no attempt stays pending (payments)
    try:
        shipments_cancel_for_order(order=order, actor=actor, note=reason)
    except ShipmentError as error:
        raise CancelNotAllowed(str(error)) from None
    if (
        order.gift_cards_total
        and order.payment_status != PaymentStatus.UNPAID
        and order.gift_cards_sold.filter(balance__lt=F("amount")).exists()
    ):
        raise CancelNotAllowed(
            _("Order %(number)s sold a gift card that has been used: it cannot be cancelled.")
            % {"number": order.number}
        )
    inventory_services.order_stock_restore(order_id=order.pk, actor=signed_in(actor))
    credit_restored = store_credit_restore_for_order(order=order)  # what it spent of the customer's credit
    credit_restored += gift_card_restore_for_order(order=order)  # and of gift cards (back on the cards)
    gift_cards_cancel_for_order(order=order, actor=actor, reason=reason)  # the cards it sold, unspent, are voided
    update_fields = ["cancelled_at", "cancel_reason", "updated_at"]
    if order.payment_status == PaymentStatus.PAID and order.total > credit_restored:
        # Refunds go through the gateways with staff approval (payments.services.refunds); the part paid
        # with store credit is already back on the customer's credit.
        _add_attention_note(
            order,
            _("Refund requested: %(amount)s to the customer (order cancelled).")
            % {"amount": format_money(order.total - credit_restored)},
        )
        update_fields += ["needs_attention", "attention_note"]
        for problem in ports.cancel_refunds_request(order=order, actor=signed_in(actor), reason=reason):
            _add_attention_note(order, problem)  # the flag above still tells staff to refund it by hand
    order.save(update_fields=update_fields)
    kind = (
        OrderEmailKind.CANCELLED_UNPAID
        if unpaid
        else OrderEmailKind.CANCELLED_BY_CUSTOMER
        if by_customer
        else OrderEmailKind.CANCELLED_BY_STAFF
    )
    order_email_enqueue(order=order, kind=kind)
    if order.payment_status != PaymentStatus.UNPAID and has_taxed_sale(order):
        # Its receipt is annulled at once, whatever gives the money back later (receipts, after commit).
        ports.cancellation_credit_note_issue(order_id=order.pk)
    return order


@transaction.atomic
def order_cancel(*, order: Order, actor: User | None, reason: str, by_customer: bool) -> Order:
    """Cancel an order while nothing shipped: its legs are cancelled, its stock restored, a paid
    order flagged and its refund requested (staff approve it in payments), the shopper e-mailed,
    then receipts asked for the nota de crédito of an order that took money.

    A customer (by_customer=True) may do it only within the ORDER_CANCEL_WINDOW_MINUTES site setting of
    placing it; staff at any time before shipping. Raises CancelNotAllowed otherwise.
    """
    return _cancel_locked(order=_lock(order), actor=actor, reason=reason, by_customer=by_customer)


def order_payment_overdue(order: Order, *, now: datetime | None = None) -> bool:
    """Whether an order still awaiting payment is past its payment window (ORDER_PAYMENT_TIMEOUT_MINUTES
    site setting): it can no longer be paid, whether or not the scheduled cancellation has run yet."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    return order.payment_deadline() <= (now or timezone.now())


def _unpaid_reason() -> str:
    return _("Payment not received in time")


@transaction.atomic
def order_expire_if_overdue(*, order: Order, now: datetime | None = None) -> Order:
    """Cancel an unpaid order past its payment window now, as the scheduled job would (its holds
    released, its coupon given back, the shopper told): correctness does not wait for the scheduler.
    Pages, payment starts and gateway notifications call it when they touch an order. Returns the
    order as it now is (unchanged when it was not overdue)."""
    if not order_payment_overdue(order, now=now):
        return order
    order = _lock(order)
    if order_payment_overdue(order, now=now):
        _cancel_locked(order=order, actor=None, reason=_unpaid_reason(), by_customer=False, unpaid=True)
    return order


def orders_expire_overdue(*, orders: Iterable[Order]) -> int:
    """Expire the orders among these (a page of a customer's list) that are past their payment
    window, as order_expire_if_overdue does for one; returns how many (no query when none)."""
    overdue = [order for order in orders if order_payment_overdue(order)]
    for order in overdue:
        order_expire_if_overdue(order=order)
    return len(overdue)


def orders_cancel_unpaid(*, older_than_minutes: int) -> int:
    """Cancel the orders still pending payment placed more than older_than_minutes ago, and those
    waiting for a payment code (order_payment_wait) once its window, payment_due_at, has closed.

    Each order is cancelled in its own transaction, so one that got paid meanwhile, or whose
    cancellation fails, is skipped and the others still go.
    Returns how many were cancelled.
    """
    now = timezone.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    # An order waiting for a payment code has its own deadline (order_payment_wait).
    overdue = Q(payment_due_at__isnull=True, placed_at__lt=cutoff) | Q(payment_due_at__lte=now)
    candidates = list(
        Order.objects.filter(overdue, status=OrderStatus.PENDING_PAYMENT)
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )
    cancelled = 0
    reason = _unpaid_reason()
    for pk in candidates:
        try:
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=pk)
                if order.status != OrderStatus.PENDING_PAYMENT or (
                    order.payment_due_at is not None and order.payment_due_at > now
                ):
                    continue  # paid, cancelled, or set waiting for a payment code since the selection
                _cancel_locked(order=order, actor=None, reason=reason, by_customer=False, unpaid=True)
        except Exception:
            logger.exception("Could not cancel unpaid order %s", pk)
            continue
        cancelled += 1
    return cancelled


def order_payment_wait(*, order_id: int, until: datetime) -> Order:
    """The order waits for a payment made later (a CIP paid at an agent or from a bank app, a
    transfer confirmed hours later): its payment window now ends at `until` (the code's expiry),
    capped at WAITING_PAYMENT_MAX_HOURS after placing and never earlier than the window it already
    had, and its stock holds follow. One transaction, the order locked; raises PaymentWaitRefused
    (writing nothing) when the order is not awaiting payment, its window has closed, or `until`
    is not a moment in the future."""
    now = timezone.now()
    if timezone.is_naive(until) or until <= now:
        raise PaymentWaitRefused(_("The payment code's expiry must be a moment in the future."))
    with transaction.atomic():
        order = order_lock(order_id)
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise PaymentWaitRefused(_("Order %(number)s is not awaiting payment.") % {"number": order.number})
        if order_payment_overdue(order, now=now):
            raise PaymentWaitRefused(
                _("Order %(number)s expired: its payment window has passed.") % {"number": order.number}
            )
        cap = order.placed_at + timedelta(hours=site_setting("WAITING_PAYMENT_MAX_HOURS"))
        order.payment_due_at = max(min(until, cap), order.payment_deadline())
        try:
            inventory_services.reservation_renew(order_id=order.pk, until=order.payment_due_at)
        except ReservationNotHeld:
            pass  # nothing to hold (an order of gift cards only)
        except InventoryError as error:
            raise PaymentWaitRefused(str(error)) from None
        order.save(update_fields=["payment_due_at", "updated_at"])
        # "Pay with this code": once per code expiry (a gateway reporting the same code again is no news).
        order_email_enqueue(order=order, kind=OrderEmailKind.PAYMENT_CODE, reference=f"{until:%Y%m%d%H%M%S}")
        return order


def order_record_refunds(*, order: Order, refunded: Decimal) -> Order:
    """The gateways returned `refunded` in total to the customer for this order: its payment
    status becomes partially refunded or refunded (the order's own status is staff's call)."""
    with transaction.atomic():
        order = _lock(order)
        if refunded <= 0 or order.payment_status not in (
            PaymentStatus.PAID,
            PaymentStatus.PARTIALLY_REFUNDED,
            PaymentStatus.REFUNDED,
        ):
            return order
        status = PaymentStatus.REFUNDED if refunded >= order.total else PaymentStatus.PARTIALLY_REFUNDED
        if order.payment_status != status:
            order.payment_status = status
            order.save(update_fields=["payment_status", "updated_at"])
        # One e-mail per new refunded total (a replayed refund record sends nothing).
        order_email_enqueue(order=order, kind=OrderEmailKind.REFUNDED, reference=f"{Decimal(refunded):.2f}")
        return order


def order_refunded_in_full(*, order: Order, from_gateway: bool) -> Order:
    """Everything a payment of this order took is back (after order_record_refunds): nothing more
    ships (order_stop_shipping_for_refund). A refund the store made was stopped at its approval
    already, so this changes nothing then; one made at the gateway itself (its dashboard, a
    dispute) after goods left is also flagged for staff to look for them."""
    with transaction.atomic():
        order = _lock(order)
        had_left = order.status in FULFILMENT_STATUSES
        order = order_stop_shipping_for_refund(
            order=order, actor=None, reason=_("Refunded in full at the payment gateway")
        )
        if from_gateway and had_left:
            _add_attention_note(
                order,
                _(
                    "Refunded in full at the payment gateway after goods shipped: the "
                    "packages still to ship were stopped; check for a return."
                ),
            )
            order.save(update_fields=["needs_attention", "attention_note", "updated_at"])
        return order


def order_stop_shipping_for_refund(
    *, order: Order, reason: str, actor: User | None = None, requested_at: datetime | None = None
) -> Order:
    """Everything paid for this order goes back (a refund in full being approved, or made at the
    gateway), so what has not left the warehouse must not ship; the order row is locked by the
    caller and all of this happens in its transaction, before the warehouse can ship a leg:

    - nothing has left: the order is cancelled (legs cancelled, stock, store credit and gift
      cards back, its receipt annulled; nothing more to refund is requested);
    - some legs are on their way: the others are cancelled and their units go back on the shelf,
      the order follows the legs that left, and staff see which were stopped.

    requested_at (when the refund was asked for): a leg that left the warehouse since then would
    make the refund give back the money of goods the customer now gets, so RefundCoversShippedGoods
    is raised and nothing is written; staff request what was not shipped, or take a return.
    A cancelled order, or one whose legs have all left, is returned unchanged."""
    legs = list(order.shipments.order_by("pk"))
    if requested_at is not None:
        late = [
            leg for leg in legs if leg.status in LEFT_WAREHOUSE and leg.shipped_at and leg.shipped_at >= requested_at
        ]
        if late:
            raise RefundCoversShippedGoods(
                _(
                    "Package %(legs)s of order %(number)s left the warehouse after this refund was requested: it would "
                    "now give back the money of goods the customer receives. Request a refund of what was not "
                    "shipped, or take the goods back with a return."
                )
                % {"legs": ", ".join(f"E{leg.pk}" for leg in late), "number": order.number}
            )
    if order.status in (OrderStatus.PAID, OrderStatus.PROCESSING) and not any(
        leg.status in LEFT_WAREHOUSE for leg in legs
    ):
        return _cancel_locked(order=order, actor=actor, reason=reason, by_customer=False)
    to_stop = [leg for leg in legs if leg.status in NOT_YET_SHIPPED]
    if order.status == OrderStatus.CANCELLED or not to_stop:
        return order
    units = shipments_stop_unshipped(order=order, actor=actor, note=reason)
    inventory_services.order_stock_restore_units(
        order_id=order.pk, units=units, actor=signed_in(actor), reason=_("Not shipped: refunded")
    )
    _add_attention_note(
        order,
        _("Refunded in full: packages %(legs)s were stopped before shipping and their units are back in stock.")
        % {"legs": ", ".join(f"E{leg.pk}" for leg in to_stop)},
    )
    order.save(update_fields=["needs_attention", "attention_note", "updated_at"])
    return order_follow_shipments(order=order, actor=actor)


# --- staff notes -----------------------------------------------------------------------------


@transaction.atomic
def order_note_add(*, order: Order, author: User | None, text: str, visible_to_customer: bool = False) -> OrderNote:
    """Add a staff note to an order's timeline (append-only: a correction is another note). The
    note's history row records who added it for the back office's audit."""
    text = (text or "").strip()
    if not text:
        raise NoteRefused(_("Write the note: an empty note is not saved."))
    if len(text) > ORDER_NOTE_MAX_LENGTH:
        raise NoteRefused(
            _("The note is too long: at most %(max)d characters (it has %(count)d).")
            % {"max": ORDER_NOTE_MAX_LENGTH, "count": len(text)}
        )
    note = OrderNote(order=order, author=signed_in(author), text=text, visible_to_customer=visible_to_customer)
    note._history_user = note.author  # type: ignore[attr-defined]  # simple-history's "who", also outside a request
    note.save()
    return note
