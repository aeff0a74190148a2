"""Placing an order from a cart: one transaction, once per one-time key.

Everything is computed again here from the database: prices (cart pricing), the kit
discount, the shipping price (shipping_quote, which also refuses a method id that does not
serve the address), and stock. The cart's holds are given back and the order's units
held in their place, all or nothing, for the payment window; a line that can no longer be
had is named and nothing is written."""

from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import address_remember
from cart.pricing import CartSummary
from cart.selectors import cart_priced
from cart.services import (
    Cart,
    CartError,
    cart_clear,
    cart_contact_record,
    check_sellable,
    variants_with_sale_window_among,
)
from catalog.models import Product
from core.idempotency import Owner, first_result
from core.money import format_money
from core.site_settings import site_setting
from credit.selectors import credit_to_apply, gift_card_for_code, usable_credits
from credit.services import CreditError, credit_amount, store_credit_spend
from credit.services.gift_cards import (
    GiftCardError,
    gift_card_code_normalize,
    gift_card_refusal,
    gift_card_spend,
    order_still_owed,
)
from inventory.exceptions import InsufficientStock, InventoryError
from inventory.messages import insufficient_stock_message
from inventory.services import reservation_release, stock_reserve
from legal.models import ConsentSource
from legal.services import consent_record
from orders.models import Order, OrderChannel, PaymentStatus
from orders.services import OrderLineData, order_create, order_payment_record
from promotions.exceptions import CouponRefused
from promotions.services import coupon_redeem
from shipping.exceptions import ShippingUnavailable
from shipping.selectors import ShippingOption, shipping_quote

from .forms import ADDRESS_FIELDS, CheckoutDetails
from .state import CheckoutState


class CheckoutError(Exception):
    """A refusal with a message for the shopper; nothing was written. Its __cause__, when there
    is one, is the domain's refusal (stock, purchase limit, coupon), for a caller that words it
    for someone else (checkout.staff_orders, for the staff member taking an order)."""


def checkout_details_record(
    *, state: CheckoutState, details: CheckoutDetails, customer: User | None, ip: str | None, cart: Cart | None = None
) -> None:
    """The details step is done: its answers are kept for the next steps (the caller saves the
    state in the session), the consent given with them is recorded, a new delivery address the
    customer asked to keep goes to their address book and a guest's cart remembers their e-mail
    (for a forgotten-cart reminder, if they consented), in one transaction (refused: nothing is
    written, and the state is as it was)."""
    try:
        with transaction.atomic():
            if details.accepts_policies:
                consent_record(
                    email=details.email,
                    source=ConsentSource.CHECKOUT,
                    user=customer,
                    ip=ip,
                    marketing=details.marketing,
                )
            if details.save_address and customer is not None:
                address_remember(user=customer, **{name: details.shipping.get(name, "") for name in ADDRESS_FIELDS})
            if cart is not None:
                cart_contact_record(cart=cart, email=details.email)
    except ValidationError as error:
        raise CheckoutError(" ".join(error.messages)) from None
    state.email = details.email
    state.document_type, state.document, state.legal_name = details.document_type, details.document, details.legal_name
    state.shipping, state.billing = details.shipping, details.billing
    state.shipping_method_id = None  # the options depend on the address


def checkout_credit_choice(
    *, state: CheckoutState, customer: User, credit_id: int | str | None, amount: Decimal | str | None, total: Decimal
) -> None:
    """The shopper applies one of their store credits (all or part of it) to this checkout: the
    choice is checked now and again, under the credit's lock, when the order is placed."""
    credit = next((c for c in usable_credits(user=customer) if str(c.pk) == str(credit_id)), None)
    if credit is None:
        raise CheckoutError(_("That store credit cannot be used: it is not yours, has no balance left or expired."))
    if amount in (None, ""):
        amount = credit_to_apply(total=total, balance=credit.balance)
    try:
        amount = credit_amount(amount)
    except CreditError as error:
        raise CheckoutError(str(error)) from None
    if amount > credit.balance:
        raise CheckoutError(
            _("Store credit %(number)s has only %(balance)s left.")
            % {"number": credit.number, "balance": format_money(credit.balance)}
        )
    state.credit_id = credit.pk
    state.credit_amount = str(credit_to_apply(wanted=amount, total=total, balance=credit.balance))


def checkout_gift_card_choice(*, state: CheckoutState, code: str, amount: Decimal | str | None, total: Decimal) -> None:
    """The shopper pays part or all of `total` (what the order still owes after store credit)
    with a gift card's code: checked now (so a wrong code says so at once) and again, under the
    card's lock, when the order is placed. CheckoutError with the shopper's message."""
    normalized = gift_card_code_normalize(code)
    card = gift_card_for_code(normalized)
    if (refusal := gift_card_refusal(card)) is not None:
        raise CheckoutError(refusal)
    assert card is not None and normalized is not None  # found by its code, or refused above
    if amount in (None, "") or not str(amount).strip():
        amount = credit_to_apply(total=total, balance=card.balance)
    else:
        try:
            amount = credit_amount(amount)
        except CreditError as error:
            raise CheckoutError(str(error)) from None
    if amount > card.balance:
        raise CheckoutError(_("That gift card has only %(balance)s left.") % {"balance": format_money(card.balance)})
    amount = credit_to_apply(wanted=amount, total=total, balance=card.balance)
    if amount <= 0:
        raise CheckoutError(_("Nothing is left to pay with a gift card."))
    state.gift_card_code, state.gift_card_amount = normalized, str(amount)


def checkout_cart(cart: Cart | None, *, email: str = "") -> CartSummary:
    """The cart priced again, with its coupon checked for this buyer (email: the checkout's)."""
    summary = cart_priced(cart, email=email) if cart is not None else CartSummary()
    if not summary.lines:
        raise CheckoutError(_("Your cart is empty."))
    return summary


def checkout_quote(*, state: CheckoutState, summary: CartSummary) -> ShippingOption:
    """The chosen method's price for this address, weight and total (the posted id is only a choice)."""
    shipping, method_id = state.shipping, state.shipping_method_id
    try:
        if method_id is None:  # none chosen yet: refused as shipping_quote refuses an unknown one
            raise ShippingUnavailable(code="unknown_method")
        return shipping_quote(
            method_id=method_id,
            department=shipping.get("department", ""),
            province=shipping.get("ubigeo", "")[:4],
            weight_kg=summary.weight_kg,
            subtotal=summary.total,
        )
    except ShippingUnavailable as error:
        raise CheckoutError(str(error)) from None


def _check_still_sellable(summary: CartSummary) -> None:
    variants = variants_with_sale_window_among(field="pk", values={line.variant.pk for line in summary.lines})
    for variant in variants:
        try:
            check_sellable(variant)
        except CartError as error:
            raise CheckoutError(str(error)) from None


def _replayed_order(
    *, key: str, key_handed: bool, state: CheckoutState, customer: User | None, guest_order_numbers: Collection[str]
) -> Order | None:
    """The order an earlier submit with this key placed, when it belongs to whoever resubmits:
    the signed-in customer, or the guest whose session was handed the key or the order (its
    session may predate the first submit's answer when that answer was lost). The e-mail is
    checked while the session still has it (it is forgotten once the order is placed)."""

    def guest_was_handed(order: Order) -> bool:
        return key_handed or order.number in guest_order_numbers

    return first_result(
        Order.objects.all(),
        key=key,
        owner=Owner.of(customer, email=state.email, handed=guest_was_handed),
        refusal=CheckoutError(_("This checkout form has expired. Review your order again.")),
    )


def checkout_place_order(
    *,
    cart: Cart | None,
    state: CheckoutState,
    key: str,
    key_handed: bool,
    customer: User | None = None,
    guest_order_numbers: Collection[str] = (),
    channel: str = OrderChannel.WEB,
    taken_by: User | None = None,
) -> Order:
    """The order for this key: placed now, or the one an earlier submit with the key placed
    (order.replayed is then True), also when that submit finished while this one was running
    (its cart is empty by now). A key is good once it was handed out with this session's
    review page (key_handed: core.form_keys.form_key_valid). channel and taken_by: an order staff
    take for a customer (checkout.staff_orders), written with the order."""

    def replayed() -> Order | None:
        return _replayed_order(
            key=key, key_handed=key_handed, state=state, customer=customer, guest_order_numbers=guest_order_numbers
        )

    if (replay := replayed()) is not None:
        return replay
    try:
        return _place(
            cart=cart,
            state=state,
            key=key,
            key_handed=key_handed,
            customer=customer,
            channel=channel,
            taken_by=taken_by,
        )
    except CheckoutError:
        if (replay := replayed()) is not None:
            return replay
        raise


def _place(
    *,
    cart: Cart | None,
    state: CheckoutState,
    key: str,
    key_handed: bool,
    customer: User | None,
    channel: str = OrderChannel.WEB,
    taken_by: User | None = None,
) -> Order:
    if not key or not key_handed:
        raise CheckoutError(_("This checkout form has expired. Review your order again."))
    if not state.has_delivery:
        raise CheckoutError(_("Your checkout details are missing. Please enter them again."))
    if cart is None:
        raise CheckoutError(_("Your cart is empty."))
    summary = checkout_cart(cart, email=state.email)
    if summary.coupon_refusal:
        raise CheckoutError(summary.coupon_refusal) from summary.coupon_refused
    _check_still_sellable(summary)
    quote = checkout_quote(state=state, summary=summary)
    shipping_total = summary.shipping_price(quote.price)
    lines = [
        OrderLineData.from_variant(
            line.variant,
            quantity=line.quantity,
            kit=line.kit,
            automatic_discount=line.automatic_total,
            kit_discount=line.kit_discount,
            coupon_discount=line.coupon_discount,
            automatic_discount_name=line.automatic_discount_name,
            offer_discount=line.offer_discount,
            offer_discount_name=line.offer_name,
            offer_terms=line.offer_terms,
        )
        for line in summary.lines
    ]
    wanted: dict[int, int] = {}
    for line in summary.lines:
        wanted[line.variant.pk] = wanted.get(line.variant.pk, 0) + line.quantity
    try:
        with transaction.atomic():
            order = order_create(
                customer=customer,
                email=state.email,
                lines=lines,
                shipping_address=state.shipping,
                billing_address=state.billing_address,
                shipping_method_id=quote.method_id,
                shipping_method_name=quote.name,
                shipping_total=shipping_total,
                coupon_code=summary.coupon.code if summary.coupon else "",
                shipping_discount=quote.price - shipping_total,
                idempotency_key=key,
                customer_document=state.document,
                customer_document_type=state.document_type,
                customer_legal_name=state.legal_name,
                channel=channel,
                taken_by=taken_by,
            )
            if order.replayed:
                return order
            if summary.coupon is not None:
                # The use is taken in the order's transaction: refused, nothing is written.
                coupon_redeem(
                    coupon=summary.coupon,
                    order=order,
                    customer=customer,
                    email=state.email,
                    amount=summary.coupon_discount + (quote.price - shipping_total),
                )
            # The cart's holds become the order's, renewed for the payment window.
            reservation_release(cart_key=cart.id)
            stock_reserve(
                lines=wanted,
                order_id=order.pk,
                customer=customer,
                minutes=site_setting("ORDER_PAYMENT_TIMEOUT_MINUTES"),
                may_hold_bundles=any(line.product.product_type == Product.Type.BUNDLE for line in summary.lines),
            )
            order = _pay_with_credit(order=order, state=state, customer=customer)
            order = _pay_with_gift_card(order=order, state=state, customer=customer)
    except InsufficientStock as error:
        raise CheckoutError(insufficient_stock_message(error, at_checkout=True)) from error
    except InventoryError as error:
        raise CheckoutError(str(error)) from error
    except ValidationError as error:
        raise CheckoutError(" ".join(error.messages)) from error
    except CouponRefused as refusal:
        raise CheckoutError(refusal.message) from refusal
    except (CreditError, GiftCardError) as error:
        raise CheckoutError(str(error)) from None
    transaction.on_commit(lambda: cart_clear(cart=cart))
    return order


def _pay_with_credit(*, order: Order, state: CheckoutState, customer: User | None) -> Order:
    """Spend the store credit the shopper applied (at most the order's total, which may have
    changed since they applied it); an order it covers whole is paid here, without a gateway."""
    if not state.credit_id or not state.credit_amount:
        return order
    try:
        amount = credit_to_apply(wanted=Decimal(state.credit_amount), total=order.total)
    except InvalidOperation:
        raise CheckoutError(_("Apply your store credit again.")) from None
    if amount <= 0:
        return order
    store_credit_spend(credit_id=state.credit_id, customer=customer, order=order, amount=amount)
    if amount == order.total:
        order = order_payment_record(order=order, actor=customer).order
        order.replayed = False
    return order


def _pay_with_gift_card(*, order: Order, state: CheckoutState, customer: User | None) -> Order:
    """Spend the gift card the shopper applied (at most what the order still owes after store
    credit, which may have changed since they applied it); an order it finishes paying is paid
    here, without a gateway. The card is a means of payment: the order's total and its receipt
    keep the goods' full price (credit/models.py, SUNAT)."""
    if not state.gift_card_code or not state.gift_card_amount or order.payment_status == PaymentStatus.PAID:
        return order
    owed = order_still_owed(order)
    try:
        amount = credit_to_apply(wanted=Decimal(state.gift_card_amount), total=owed)
    except InvalidOperation:
        raise CheckoutError(_("Apply your gift card again.")) from None
    if amount <= 0:
        return order
    gift_card_spend(code=state.gift_card_code, order=order, amount=amount)
    if amount == owed:
        order = order_payment_record(order=order, actor=customer).order
        order.replayed = False
    return order
