"""Orders staff take for a customer who wrote on WhatsApp or called: the same checkout.

Staff give what the shopper would type at checkout (e-mail, receipt document, address, products,
coupon, shipping method); the order is then placed exactly as checkout places one (cart pricing,
kit and automatic discounts, the coupon checked for this buyer, the shipping price recomputed
for the address, the units held for the payment window) and the customer pays it from the
payment link e-mailed to them (orders.emails, "payment_link") or sent on WhatsApp. An existing
customer is found by their e-mail (the order is theirs, under "My orders"); anyone else gets a
guest order. A refusal raises CheckoutError with the message for staff, and nothing is written."""

from dataclasses import dataclass
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from cart.pricing import CartSummary, price_cart
from cart.services import Cart, CartError, cart_add, cart_clear, check_sellable, parse_quantity, variants_with_sale_window
from cart.store import LineKey
from core.idempotency import Owner, first_result
from inventory.selectors import availability_by_variant
from orders.access import order_payment_link, order_whatsapp_share_link
from orders.models import Order, OrderChannel
from shipping.exceptions import ShippingUnavailable
from shipping.selectors import ShippingOption, shipping_quote

from .forms import ADDRESS_FIELDS, CheckoutAddressForm, ContactForm
from .services import CheckoutError, checkout_place_order
from .state import CheckoutState

# The channels staff take orders through (the web store's orders are the shoppers' own).
STAFF_CHANNELS = (OrderChannel.WHATSAPP, OrderChannel.PHONE)
# What the order's state says of the payment method: the customer chooses it on the payment page.
CHOSEN_WHEN_PAYING = "chosen-when-paying"
MAX_LINES = 20


@dataclass(frozen=True, kw_only=True)
class StaffOrderInputs:
    """The staff form's answers, checked: whose order it is and what checkout needs."""

    customer: User | None
    state: CheckoutState
    quantities: dict[str, int]  # {SKU: units}, in the order typed
    coupon_code: str = ""


@dataclass(frozen=True, kw_only=True)
class StaffOrderQuote:
    """What the order would cost now ("Calcular"): checkout's own pricing, nothing written."""

    customer: User | None
    summary: CartSummary
    shipping: ShippingOption
    shipping_total: Decimal

    @property
    def total(self) -> Decimal:
        return self.summary.total + self.shipping_total


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return " ".join(parts)


def _parse_lines(lines) -> dict[str, int]:
    """[(SKU, quantity), ...] as typed (empty rows skipped) → {SKU: units}, repeated SKUs added up."""
    quantities: dict[str, int] = {}
    for sku, raw_quantity in lines:
        sku = str(sku or "").strip()[:64]
        if not sku and not str(raw_quantity or "").strip():
            continue
        if not sku:
            raise CheckoutError(_("Enter the SKU of each product line that has a quantity."))
        try:
            quantity = parse_quantity(raw_quantity)
        except CartError as error:
            raise CheckoutError(_("%(sku)s: %(error)s") % {"sku": sku, "error": error}) from None
        quantities[sku] = quantities.get(sku, 0) + quantity
    if not quantities:
        raise CheckoutError(_("Add at least one product (its SKU and quantity)."))
    if len(quantities) > MAX_LINES:
        raise CheckoutError(_("An order taken by staff has at most %(max)d products.") % {"max": MAX_LINES})
    return quantities


def staff_order_inputs(*, email: str, phone: str, lines, address_data: dict, shipping_method_id,
                       document_type: str, document: str, legal_name: str, coupon_code: str = "") -> StaffOrderInputs:
    """The answers checked as checkout checks a shopper's (the e-mail and receipt with its
    contact form, the address with its address form); CheckoutError names what is wrong."""
    contact = ContactForm(data={"email": email, "document_type": document_type or "", "document": document or "",
                                "legal_name": legal_name or ""})
    if not contact.is_valid():
        raise CheckoutError(_form_errors(contact))
    address = {name: str((address_data or {}).get(name, "") or "") for name in ADDRESS_FIELDS}
    if not address["phone"].strip():
        address["phone"] = str(phone or "")
    address_form = CheckoutAddressForm(data=address)
    if not address_form.is_valid():
        raise CheckoutError(_form_errors(address_form))
    try:
        method_id = int(shipping_method_id)
    except (TypeError, ValueError):
        raise CheckoutError(_("Choose a shipping method.")) from None
    quantities = _parse_lines(lines)
    cleaned = contact.cleaned_data
    customer = get_user_model().objects.filter(email__iexact=cleaned["email"], is_active=True).first()
    state = CheckoutState(
        email=cleaned["email"].strip().lower(), shipping=address_form.snapshot(),
        document_type=cleaned["document_type"], document=cleaned["document"], legal_name=cleaned["legal_name"],
        shipping_method_id=method_id, payment_method=CHOSEN_WHEN_PAYING,
    )
    # The coupon goes with the cart (checkout prices it with the cart, for this buyer).
    return StaffOrderInputs(customer=customer, state=state, quantities=quantities,
                            coupon_code=(coupon_code or "").strip()[:40])


def _variants(quantities: dict[str, int]) -> dict[str, object]:
    variants = {variant.sku: variant for variant in variants_with_sale_window(Q(sku__in=list(quantities)))}
    for sku in quantities:
        variant = variants.get(sku)
        if variant is None:
            raise CheckoutError(_("There is no product with SKU %(sku)s.") % {"sku": sku})
        try:
            check_sellable(variant)
        except CartError as error:
            raise CheckoutError(str(error)) from None
    return variants


def staff_order_quote(**answers) -> StaffOrderQuote:
    """The order priced as checkout would price it now (staff_order_inputs' answers), with the
    stock available checked; nothing is held or written."""
    inputs = staff_order_inputs(**answers)
    variants = _variants(inputs.quantities)
    available = availability_by_variant([variant.pk for variant in variants.values()])
    for sku, quantity in inputs.quantities.items():
        variant = variants[sku]
        if available.get(variant.pk, 0) < quantity:
            raise CheckoutError(_("Only %(available)d units of %(name)s (%(sku)s) are available.") % {
                "available": available.get(variant.pk, 0), "name": variant.product.name, "sku": sku})
    summary = price_cart({LineKey(variants[sku].pk): quantity for sku, quantity in inputs.quantities.items()},
                         coupon_code=inputs.coupon_code, customer=inputs.customer, email=inputs.state.email)
    if summary.coupon_refusal:
        raise CheckoutError(summary.coupon_refusal)
    if summary.waiting:
        raise CheckoutError(_("%(name)s is not on sale yet.") % {"name": summary.waiting[0].variant.product.name})
    shipping = inputs.state.shipping
    try:
        option = shipping_quote(method_id=inputs.state.shipping_method_id, department=shipping.get("department", ""),
                                province=shipping.get("ubigeo", "")[:4], weight_kg=summary.weight_kg,
                                subtotal=summary.total)
    except ShippingUnavailable as error:
        raise CheckoutError(str(error)) from None
    return StaffOrderQuote(customer=inputs.customer, summary=summary, shipping=option,
                           shipping_total=summary.shipping_price(option.price))


def staff_order_place(*, taken_by: User, channel: str, email: str, phone: str, lines, address_data: dict,
                      shipping_method_id, document_type: str = "", document: str = "", legal_name: str = "",
                      coupon_code: str = "", key: str) -> Order:
    """Place the order staff took for a customer, as checkout places a shopper's, recording the
    channel and who took it with the order; its payment link is e-mailed to the customer. The same
    key returns the first order (order.replayed), so a double submit makes one order; a refusal
    raises CheckoutError and writes nothing."""
    if channel not in STAFF_CHANNELS:
        raise CheckoutError(_("Choose the channel the order came through: WhatsApp or phone."))
    if not key:
        raise CheckoutError(_("This form has expired. Open it again."))
    inputs = staff_order_inputs(email=email, phone=phone, lines=lines, address_data=address_data,
                                shipping_method_id=shipping_method_id, document_type=document_type,
                                document=document, legal_name=legal_name, coupon_code=coupon_code)
    replay = first_result(Order.objects, key=key, owner=Owner.of(inputs.customer, email=inputs.state.email),
                          about={"taken_by_id": taken_by.pk},
                          refusal=CheckoutError(_("This form was already used for another order. Open it again.")))
    if replay is not None:
        return replay
    _variants(inputs.quantities)
    cart = Cart(id=f"staff-{key}", customer=inputs.customer, coupon_code=inputs.coupon_code)
    try:
        with transaction.atomic():
            for sku, quantity in inputs.quantities.items():
                try:
                    cart_add(cart=cart, sku=sku, quantity=quantity)
                except CartError as error:
                    raise CheckoutError(str(error)) from None
            order = checkout_place_order(cart=cart, state=inputs.state, key=key, key_handed=True,
                                         customer=inputs.customer, channel=channel, taken_by=taken_by)
            if order.replayed:
                # A concurrent submit with this key placed it: the holds taken here go back.
                transaction.set_rollback(True)
    except CheckoutError:
        cart_clear(cart=cart)  # the cart lines (the holds were rolled back with the rest)
        raise
    if order.replayed:
        cart_clear(cart=cart)
    return order


# The links staff send the customer (orders.access: the orders admin shows them too).
staff_order_payment_link = order_payment_link
staff_order_whatsapp_link = order_whatsapp_share_link


__all__ = ["staff_order_place", "staff_order_quote", "staff_order_payment_link", "staff_order_whatsapp_link",
           "StaffOrderQuote", "STAFF_CHANNELS"]
