"""Orders staff take for a customer who wrote on WhatsApp or called: the same checkout.

Staff give what the shopper would type at checkout (e-mail, receipt document, address, products,
coupon, shipping method); the order is then placed exactly as checkout places one (cart pricing,
kit and automatic discounts, the coupon checked for this buyer, the shipping price recomputed
for the address, the units held for the payment window) and the customer pays it from the
payment link e-mailed to them (orders.emails, "payment_link") or sent on WhatsApp. An existing
customer is found by their e-mail (the order is theirs, under "My orders"); anyone else gets a
guest order.

"Calculate" (staff_order_quote) and "Create" (staff_order_place) run the same placement
(_place_order); the quote's transaction is rolled back, so every refusal "Create" would give
shows at "Calculate" already, and the figures shown are the order's own. A refusal raises
CheckoutError worded for staff ("the customer already has…", not checkout's "you already
have…"), and nothing is written."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Address, User
from accounts.selectors import address_list_for
from cart.pricing import price_cart
from cart.services import (
    MAX_LINE_QUANTITY,
    Cart,
    CartError,
    cart_add,
    cart_clear,
    check_sellable,
    parse_quantity,
    variants_with_sale_window,
)
from cart.store import LineKey
from catalog.models import OptionValue, Product, Variant
from core.idempotency import Owner, first_result
from inventory.exceptions import InsufficientStock, PurchaseLimitExceeded
from inventory.models import Reservation
from inventory.selectors import availability_by_variant
from orders.access import order_payment_link, order_whatsapp_share_link
from orders.models import Order, OrderChannel, OrderLine
from orders.selectors import order_discount_sources
from promotions.exceptions import CouponRefused, Refusal
from promotions.models import normalize_code
from shipping.selectors import ShippingOption, no_method_message, shipping_options

from .forms import ADDRESS_FIELDS, STAFF_ORDER_MAX_LINES, CheckoutAddressForm, StaffContactForm, address_from_saved
from .selectors import unpaid_order
from .services import CheckoutError, checkout_place_order
from .state import CheckoutState

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from cart.services import SaleWindow

    SellableVariant = WithAnnotations[Variant, SaleWindow]  # with whether its drop is on (cart)

# The channels staff take orders through (the web store's orders are the shoppers' own).
STAFF_CHANNELS = (OrderChannel.WHATSAPP, OrderChannel.PHONE)
# What the order's state says of the payment method: the customer chooses it on the payment page.
CHOSEN_WHEN_PAYING = "chosen-when-paying"
MAX_LINES = STAFF_ORDER_MAX_LINES
SEARCH_RESULTS = 10


@dataclass(frozen=True, kw_only=True)
class StaffOrderInputs:
    """The staff form's answers, checked: whose order it is and what checkout needs."""

    customer: User | None
    state: CheckoutState
    quantities: dict[str, int]  # {SKU as typed: units}, in the order typed
    coupon_code: str = ""


@dataclass(frozen=True, kw_only=True)
class StaffOrderQuote:
    """What the order would be now ("Calculate"): the order the placement made, read before its
    transaction was rolled back."""

    customer: User | None
    lines: list[OrderLine]
    discount_sources: list
    shipping_name: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    total: Decimal

    @classmethod
    def of(cls, order: Order) -> "StaffOrderQuote":
        lines = list(order.lines.all())  # read now: the rows are gone once rolled back
        return cls(
            customer=order.customer,
            lines=lines,
            discount_sources=order_discount_sources(order),
            shipping_name=order.shipping_method_name,
            subtotal=order.subtotal,
            discount_total=order.discount_total,
            shipping_total=order.shipping_total,
            total=order.total,
        )


def _form_errors(form) -> str:
    parts: list[str] = []
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
        if str(raw_quantity or "").strip().isdecimal() and int(str(raw_quantity).strip()) > MAX_LINE_QUANTITY:
            # The cart's own refusal speaks to the shopper ("you can add…").
            raise CheckoutError(_("%(sku)s: at most %(max)d units per line.") % {"sku": sku, "max": MAX_LINE_QUANTITY})
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


def customer_for_email(email: str) -> User | None:
    """The active customer account an e-mail belongs to (any case), or None: a guest."""
    email = (email or "").strip()
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def staff_order_inputs(
    *,
    email: str,
    phone: str,
    lines,
    address_data: dict,
    shipping_method_id,
    document_type: str,
    document: str,
    legal_name: str,
    coupon_code: str = "",
) -> StaffOrderInputs:
    """The answers checked as checkout checks a shopper's (the e-mail and receipt with its
    contact form, the address with its address form); CheckoutError names what is wrong."""
    contact = StaffContactForm(
        data={
            "email": email,
            "document_type": document_type or "",
            "document": document or "",
            "legal_name": legal_name or "",
        }
    )
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
    state = CheckoutState(
        email=cleaned["email"].strip().lower(),
        shipping=address_form.snapshot(),
        document_type=cleaned["document_type"],
        document=cleaned["document"],
        legal_name=cleaned["legal_name"],
        shipping_method_id=method_id,
        payment_method=CHOSEN_WHEN_PAYING,
    )
    # The coupon goes with the cart (checkout prices it with the cart, for this buyer).
    return StaffOrderInputs(
        customer=customer_for_email(cleaned["email"]),
        state=state,
        quantities=quantities,
        coupon_code=(coupon_code or "").strip()[:40],
    )


def variants_for_skus(skus: Iterable[str]) -> dict[str, "SellableVariant"]:
    """{SKU as typed: variant}, a SKU typed in any case: the variant spelled exactly so if there is
    one, else the one whose SKU differs only in case. CheckoutError for a SKU that names none,
    or several (SKUs are unique as written, so "ab-1" and "AB-1" may both exist)."""
    found, refusals = _variants_for_skus(skus)
    if refusals:
        raise CheckoutError(refusals[0])
    return found


def _variants_for_skus(skus: Iterable[str]) -> tuple[dict[str, "SellableVariant"], list[str]]:
    """variants_for_skus' answer and the refusals of the SKUs it could not resolve (two queries)."""
    typed = list(dict.fromkeys(skus))
    if not typed:
        return {}, []
    exact = {variant.sku: variant for variant in variants_with_sale_window(Q(sku__in=typed))}
    loose_wanted = [sku for sku in typed if sku not in exact]
    loose: dict[str, list[SellableVariant]] = {}
    if loose_wanted:
        any_case = Q()
        for sku in loose_wanted:
            any_case |= Q(sku__iexact=sku)
        for variant in variants_with_sale_window(any_case, order=("sku",)):
            loose.setdefault(variant.sku.upper(), []).append(variant)
    found: dict[str, SellableVariant] = {}
    refusals: list[str] = []
    for sku in typed:
        matches = [exact[sku]] if sku in exact else loose.get(sku.upper(), [])
        if not matches:
            refusals.append(_("There is no product with SKU %(sku)s.") % {"sku": sku})
        elif len(matches) > 1:
            refusals.append(
                _("SKU %(sku)s matches %(skus)s: type it exactly as written.")
                % {"sku": sku, "skus": ", ".join(variant.sku for variant in matches)}
            )
        else:
            found[sku] = matches[0]
    return found, refusals


def _order_lines(quantities: dict[str, int]) -> list[tuple[Variant, int]]:
    """The typed lines as (variant, units), a variant typed twice (in any case) added up, each
    one sellable now."""
    variants = variants_for_skus(quantities)
    lines: dict[int, tuple[Variant, int]] = {}
    for sku, quantity in quantities.items():
        variant = variants[sku]
        try:
            check_sellable(variant)
        except CartError as error:
            raise CheckoutError(str(error)) from None
        lines[variant.pk] = (variant, lines.get(variant.pk, (variant, 0))[1] + quantity)
    return list(lines.values())


def _limit_message(refusal: PurchaseLimitExceeded) -> str:
    params = refusal.params
    limit, product, held = params["limit"], params["product"], params["held"]
    if params.get("in_cart"):
        return ngettext(
            "A customer may buy at most %(limit)d unit of %(product)s; this order asks for %(wanted)d.",
            "A customer may buy at most %(limit)d units of %(product)s; this order asks for %(wanted)d.",
            limit,
        ) % {"limit": limit, "product": product, "wanted": held + params.get("adding", 0)}
    unpaid_ids, unpaid = [], []
    for order_id in params.get("order_ids", []):
        if (order := unpaid_order(order_id=order_id)) is not None:
            unpaid_ids.append(order_id)
            unpaid.append(order)
    if not unpaid:
        return _(
            "The customer already holds or has bought %(held)d units of %(product)s; at most %(limit)d per customer."
        ) % {"held": held, "product": product, "limit": limit}
    numbers = ", ".join(order.number for order in unpaid)
    reserved = (
        Reservation.objects.active()
        .filter(
            order_id__in=unpaid_ids,
            stock_level__variant__product_id=params["product_id"],  # every raiser names it
        )
        .aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    if reserved >= held:
        units = ngettext("%(count)d unit of %(product)s reserved", "%(count)d units of %(product)s reserved", held) % {
            "count": held,
            "product": product,
        }
        return ngettext(
            "The customer already has %(units)s in order %(orders)s, which is waiting for payment; at most "
            "%(limit)d per customer.",
            "The customer already has %(units)s in orders %(orders)s, which are waiting for payment; at most "
            "%(limit)d per customer.",
            len(unpaid),
        ) % {"units": units, "orders": numbers, "limit": limit}
    return ngettext(
        "The customer already has %(held)d units of %(product)s, bought or reserved, counting order %(orders)s, "
        "which is waiting for payment; at most %(limit)d per customer.",
        "The customer already has %(held)d units of %(product)s, bought or reserved, counting orders %(orders)s, "
        "which are waiting for payment; at most %(limit)d per customer.",
        len(unpaid),
    ) % {"held": held, "product": product, "orders": numbers, "limit": limit}


def _shortage_message(refusal: InsufficientStock) -> str:
    params = refusal.params
    variant = Variant.objects.select_related("product").filter(pk=params["variant_id"]).first()  # always named
    name = variant.product.name if variant else params.get("sku", "")
    sku = variant.sku if variant else params.get("sku", "")
    available = params.get("available", 0)
    if not available:
        return _("%(name)s (%(sku)s) is sold out.") % {"name": name, "sku": sku}
    return ngettext(
        "Only %(available)d unit of %(name)s (%(sku)s) is available.",
        "Only %(available)d units of %(name)s (%(sku)s) are available.",
        available,
    ) % {"available": available, "name": name, "sku": sku}


def staff_refusal(error: Exception, *, coupon_code: str = "") -> str:
    """A refusal of checkout or the cart worded for the staff member taking the order: theirs is
    the shopper's ("you already have…", "change your cart"); the domain refusal they carry as
    their cause says what happened to whom."""
    cause = error.__cause__
    if isinstance(cause, PurchaseLimitExceeded):
        return _limit_message(cause)
    if isinstance(cause, InsufficientStock):
        return _shortage_message(cause)
    if isinstance(cause, ValidationError) and "customer_document" in getattr(cause, "error_dict", {}):
        return _(
            "For purchases above S/ 700, SUNAT asks for the buyer's document on the receipt: add the "
            "customer's DNI (or a RUC for an invoice)."
        )
    if isinstance(cause, CouponRefused):
        code = normalize_code(coupon_code)
        if cause.reason == Refusal.ALREADY_USED:
            return _("The customer has already used the code %(code)s.") % {"code": code}
        if cause.reason == Refusal.NOTHING_IN_SCOPE:
            return _("The code %(code)s does not apply to any product of this order.") % {"code": code}
        if cause.reason == Refusal.FIRST_ORDER_ONLY:
            return _("The code %(code)s is only for a first order, and the customer has ordered before.") % {
                "code": code
            }
    return str(error)


def _place_order(
    *, inputs: StaffOrderInputs, lines: list[tuple[Variant, int]], key: str, channel: str, taken_by: User | None
) -> Order:
    """The order placed as checkout places a shopper's, from a cart of its own (its holds become
    the order's). Both "Calculate" and "Create" run this; refusals come worded for staff. Call it
    inside a transaction, and clear the cart (named after the key) afterwards."""
    cart = Cart(id=f"staff-{key}", customer=inputs.customer, coupon_code=inputs.coupon_code)
    try:
        for variant, quantity in lines:
            cart_add(cart=cart, sku=variant.sku, quantity=quantity)
        return checkout_place_order(
            cart=cart,
            state=inputs.state,
            key=key,
            key_handed=True,
            customer=inputs.customer,
            channel=channel,
            taken_by=taken_by,
        )
    except (CartError, CheckoutError) as error:
        raise CheckoutError(staff_refusal(error, coupon_code=inputs.coupon_code)) from error


def staff_order_quote(
    *, channel: str = OrderChannel.WHATSAPP, taken_by: User | None = None, **answers
) -> StaffOrderQuote:
    """The order as "Create" would place it now (staff_order_inputs' answers): placed, read and
    rolled back, so it costs what the order will and is refused for what the order would be;
    nothing is kept (no order, hold, coupon use, e-mail or cart)."""
    inputs = staff_order_inputs(**answers)
    lines = _order_lines(inputs.quantities)
    key = f"quote-{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            quote = StaffOrderQuote.of(
                _place_order(inputs=inputs, lines=lines, key=key, channel=channel, taken_by=taken_by)
            )
            transaction.set_rollback(True)
    finally:
        cart_clear(cart=Cart(id=f"staff-{key}"))
    return quote


def staff_order_place(
    *,
    taken_by: User,
    channel: str,
    email: str,
    phone: str,
    lines,
    address_data: dict,
    shipping_method_id,
    document_type: str = "",
    document: str = "",
    legal_name: str = "",
    coupon_code: str = "",
    key: str,
) -> Order:
    """Place the order staff took for a customer, as checkout places a shopper's, recording the
    channel and who took it with the order; its payment link is e-mailed to the customer. The same
    key returns the first order (order.replayed), so a double submit makes one order; a refusal
    raises CheckoutError and writes nothing."""
    if channel not in STAFF_CHANNELS:
        raise CheckoutError(_("Choose the channel the order came through: WhatsApp or phone."))
    if not key:
        raise CheckoutError(_("This form has expired. Open it again."))
    inputs = staff_order_inputs(
        email=email,
        phone=phone,
        lines=lines,
        address_data=address_data,
        shipping_method_id=shipping_method_id,
        document_type=document_type,
        document=document,
        legal_name=legal_name,
        coupon_code=coupon_code,
    )
    replay = first_result(
        Order.objects.all(),
        key=key,
        owner=Owner.of(inputs.customer, email=inputs.state.email),
        about={"taken_by_id": taken_by.pk},
        refusal=CheckoutError(_("This form was already used for another order. Open it again.")),
    )
    if replay is not None:
        return replay
    order_lines = _order_lines(inputs.quantities)
    try:
        with transaction.atomic():
            order = _place_order(inputs=inputs, lines=order_lines, key=key, channel=channel, taken_by=taken_by)
            if order.replayed:
                # A concurrent submit with this key placed it: the holds taken here go back.
                transaction.set_rollback(True)
    except CheckoutError:
        cart_clear(cart=Cart(id=f"staff-{key}"))  # the cart lines (the holds were rolled back with the rest)
        raise
    if order.replayed:
        cart_clear(cart=Cart(id=f"staff-{key}"))
    return order


# --- what the page offers as staff fill it in --------------------------------------------------


def staff_order_saved_addresses(*, customer: User | None) -> list[Address]:
    """The customer's address book (default first); [] for a guest."""
    return list(address_list_for(user=customer)) if customer is not None else []


def staff_order_saved_address(*, email: str, address_id) -> dict:
    """One of the saved addresses of the customer the e-mail belongs to, as the address form's
    fields (checkout's reading of a saved address). CheckoutError when it is not theirs (or is
    gone), or lacks its province and district (saved before they were chosen from lists)."""
    chosen = next(
        (
            address
            for address in staff_order_saved_addresses(customer=customer_for_email(email))
            if str(address.pk) == str(address_id)
        ),
        None,
    )
    if chosen is None:
        raise CheckoutError(_("That address is not in this customer's address book: choose one of those listed."))
    snapshot = address_from_saved(chosen)
    if not snapshot:
        raise CheckoutError(_("That saved address lacks its province and district: type the address below."))
    fields = {name: snapshot.get(name, "") for name in ADDRESS_FIELDS}
    fields["province"], fields["district"] = snapshot["ubigeo"][:4], snapshot["ubigeo"]
    return fields


@dataclass(frozen=True, kw_only=True)
class StaffOrderShipping:
    """The shipping methods that reach the address for these lines (checkout's shipping_options),
    or why none is listed."""

    options: list[ShippingOption]
    message: str = ""


def staff_order_shipping(*, address_data: dict, lines) -> StaffOrderShipping:
    """The methods checkout would offer for the address and lines typed so far: weight and
    subtotal from the lines that name a product (any others are left for "Calculate" to refuse)."""
    form = CheckoutAddressForm(data={name: str((address_data or {}).get(name, "") or "") for name in ADDRESS_FIELDS})
    form.is_valid()
    snapshot = form.snapshot() if not form.errors.keys() & {"department", "province", "district"} else {}
    department, province = snapshot.get("department", ""), snapshot.get("ubigeo", "")[:4]
    if not snapshot.get("ubigeo"):
        return StaffOrderShipping(
            options=[], message=_("Choose the delivery address to see the shipping methods that reach it.")
        )
    typed: list[tuple[str, int]] = []
    for sku, raw_quantity in lines:
        try:
            typed.append((str(sku or "").strip()[:64], parse_quantity(raw_quantity)))
        except CartError:
            continue
    variants, _refusals = _variants_for_skus(sku for sku, _quantity in typed if sku)
    quantities: dict[LineKey, int] = {}
    for sku, quantity in typed:
        if sku in variants:
            key = LineKey(variants[sku].pk)
            quantities[key] = quantities.get(key, 0) + quantity
    summary = price_cart(quantities)  # the cart's own weight and total, which checkout's options take
    options = shipping_options(
        department=department, province=province, weight_kg=summary.weight_kg, subtotal=summary.total
    )
    return StaffOrderShipping(
        options=options, message="" if options else no_method_message(department=department, province=province)
    )


@dataclass(frozen=True, kw_only=True)
class StaffOrderProduct:
    variant: Variant
    price: Decimal
    available: int


def staff_order_products(*, term: str) -> list[StaffOrderProduct]:
    """Variants on sale whose product name or SKU holds every word of the term (any case), with
    their price and the units available now: what staff add to an order. Three queries."""
    words = str(term or "").split()[:5]
    if not words or len("".join(words)) < 2:
        return []
    matching = Q()
    for word in words:
        matching &= Q(product__name__icontains=word[:60]) | Q(sku__icontains=word[:60])
    variants = list(
        Variant.objects.filter(matching, is_active=True, product__status=Product.Status.ACTIVE)
        .select_related("product")
        .prefetch_related(Prefetch("option_values", queryset=OptionValue.objects.select_related("option")))
        .order_by("product__name", "order", "sku")[:SEARCH_RESULTS]
    )
    available = availability_by_variant([variant.pk for variant in variants]) if variants else {}
    return [
        StaffOrderProduct(variant=variant, price=variant.shopper_price, available=available.get(variant.pk, 0))
        for variant in variants
    ]


# The links staff send the customer (orders.access: the orders admin shows them too).
staff_order_payment_link = order_payment_link
staff_order_whatsapp_link = order_whatsapp_share_link


__all__ = [
    "staff_order_place",
    "staff_order_quote",
    "staff_order_payment_link",
    "staff_order_whatsapp_link",
    "staff_order_products",
    "staff_order_saved_addresses",
    "staff_order_saved_address",
    "staff_order_shipping",
    "staff_refusal",
    "variants_for_skus",
    "StaffOrderQuote",
    "STAFF_CHANNELS",
]
