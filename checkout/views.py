"""Checkout in three steps: details (contact, delivery and billing addresses), delivery and
payment methods, review and place. Each step reads the cart and prices it again; the
session keeps only the shopper's choices (state.py)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import address_list_for
from cart.selectors import COUPON_SESSION_KEY, cart_view, request_cart
from core.actors import signed_in
from core.form_keys import form_key_issue, form_key_valid
from core.ratelimit import client_ip
from credit.limits import gift_card_attempt_allowed
from credit.selectors import credit_to_apply, gift_card_for_code, usable_credits
from credit.services.gift_cards import PRESET_AMOUNTS
from legal.selectors import accepted_current_policies
from orders.access import GUEST_ORDERS_SESSION_KEY, remember_guest_order
from orders.exceptions import IdempotencyConflict
from orders.models import PaymentStatus
from orders.services import order_create_for_gift_cards
from payments.marks import phone_first
from payments.models import PaymentMethod
from payments.selectors import payment_methods_offered
from payments.services import PaymentError, payment_start
from shipping.models import ShippingMethod
from shipping.selectors import no_method_message, shipping_options

from .forms import DeliveryForm, DetailsForm, GiftCardBuyForm
from .services import (
    CheckoutError,
    checkout_cart,
    checkout_credit_choice,
    checkout_details_record,
    checkout_gift_card_choice,
    checkout_place_order,
    checkout_quote,
)
from .state import CheckoutState


def _cart_or_redirect(request):
    cart = request_cart(request)
    try:
        return cart, checkout_cart(cart)
    except CheckoutError as error:
        messages.info(request, str(error))
        return None, None


def _saved_addresses(customer) -> list:
    """The customer's address book, default first (a guest has none)."""
    return list(address_list_for(user=customer)) if customer is not None else []


@require_http_methods(["GET", "POST"])
def details(request):
    cart, summary = _cart_or_redirect(request)
    if summary is None:
        return redirect("cart:detail")
    state, customer = CheckoutState.load(request), signed_in(request.user)
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        state=state,
        saved=_saved_addresses(customer),
        email_fixed=customer.email if customer else None,
        cart_total=summary.total,
        ask_consent=customer is None or not accepted_current_policies(user=customer),
    )
    if form.is_valid():
        try:
            checkout_details_record(
                state=state, details=form.details(), customer=customer, ip=client_ip(request), cart=cart
            )
        except CheckoutError as error:
            form.add_error(None, str(error))
        else:
            state.save(request)
            return redirect("checkout:delivery")
    return render(request, "checkout/details.html", {"cart": summary, **form.page_context(), "step": 1})


def _step(request, *, delivery: bool = False):
    """((cart, summary, state), None) for a step after the details, or (None, where to go) when the
    cart cannot be checked out or the session lost what the step needs."""
    cart, summary = _cart_or_redirect(request)
    if summary is None:
        return None, redirect("cart:detail")
    state = CheckoutState.load(request)
    if (back := _need(request, state, delivery=delivery)) is not None:
        return None, back
    return (cart, summary, state), None


def _need(request, state: CheckoutState, *, delivery: bool = False):
    """Where to send a shopper whose session lost what this step needs (expired, or skipped)."""
    if not state.has_details or (delivery and not state.has_delivery):
        messages.info(
            request, _("Your checkout details are missing (the session may have expired). Please enter them again.")
        )
        return redirect("checkout:details" if not state.has_details else "checkout:delivery")
    return None


@require_http_methods(["GET", "POST"])
def delivery(request):
    here, back = _step(request)
    if back is not None:
        return back
    cart, summary, state = here
    options = shipping_options(
        department=state.shipping.get("department", ""),
        province=state.shipping.get("ubigeo", "")[:4],
        weight_kg=summary.weight_kg,
        subtotal=summary.total,
    )
    methods = phone_first(payment_methods_offered())  # as Peruvian stores list them: Yape, PagoEfectivo, cards...
    form = DeliveryForm(
        request.POST or None,
        shipping_options=options,
        payment_methods=methods,
        initial={
            "shipping_method": _preselected_shipping(options, state.shipping_method_id),
            "payment_method": state.payment_method,
        },
    )
    if request.method == "POST" and options and form.is_valid():
        state.shipping_method_id = form.cleaned_data["shipping_method"]
        state.payment_method = form.cleaned_data["payment_method"]
        state.save(request)
        return redirect("checkout:review")
    return render(
        request,
        "checkout/delivery.html",
        {
            "cart": summary,
            "form": form,
            "options": options,
            "payment_methods": methods,
            "state": state,
            "no_method": ""
            if options
            else no_method_message(
                department=state.shipping.get("department", ""), province=state.shipping.get("ubigeo", "")[:4]
            ),
            "step": 2,
        },
    )


def _preselected_shipping(options, chosen_id) -> int | None:
    """The shopper's earlier choice if still offered; else the cheapest home delivery (options
    come cheapest first): pickup is preselected only when the shopper picked it."""
    ids = [option.method_id for option in options]
    if chosen_id in ids:
        return chosen_id
    home = [option.method_id for option in options if not option.is_pickup]
    return (home or ids or [None])[0]


@require_http_methods(["GET"])
def review(request):
    here, back = _step(request, delivery=True)
    if back is not None:
        return back
    cart, summary, state = here
    try:
        quote = checkout_quote(state=state, summary=summary)
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("checkout:delivery")
    method = PaymentMethod.objects.filter(code=state.payment_method).first()
    # A pickup order is collected at the store: the review names the store, not the home address.
    pickup = ShippingMethod.objects.filter(pk=quote.method_id).first() if quote.is_pickup else None
    key = form_key_issue(request, form="checkout")
    total = summary.total + summary.shipping_price(quote.price)
    credits = usable_credits(user=request.user)
    applied = next((credit for credit in credits if credit.pk == state.credit_id), None)
    if applied is None:
        state.credit_clear()  # spent elsewhere, expired, or never this shopper's
    credit_amount = (
        credit_to_apply(wanted=Decimal(state.credit_amount or "0"), total=total, balance=applied.balance)
        if applied
        else Decimal("0.00")
    )
    card = gift_card_for_code(state.gift_card_code) if state.gift_card_code else None
    if card is None or not card.is_usable:
        state.gift_card_clear()  # spent meanwhile, voided or expired: the shopper applies another
        card = None
    card_amount = (
        credit_to_apply(
            wanted=Decimal(state.gift_card_amount or "0"), total=total - credit_amount, balance=card.balance
        )
        if card
        else Decimal("0.00")
    )
    state.save(request)
    return render(
        request,
        "checkout/review.html",
        {
            "cart": cart_view(cart, priced=summary),
            "quote": quote,
            "state": state,
            "payment_method": method,
            "key": key,
            "total": total,
            "step": 3,
            "pickup": pickup,
            "credits": credits,
            "applied_credit": applied,
            "credit_amount": credit_amount,
            "applied_gift_card": card,
            "gift_card_amount": card_amount,
            "to_pay": total - credit_amount - card_amount,
        },
    )


@require_POST
def gift_card(request):
    """Pay part or all of this checkout with a gift card's code (or stop using it)."""
    here, back = _step(request, delivery=True)
    if back is not None:
        return back
    cart, summary, state = here
    if request.POST.get("remove"):
        state.gift_card_clear()
        state.save(request)
        return redirect("checkout:review")
    if not gift_card_attempt_allowed(request, record=False):
        messages.error(request, _("Too many gift card codes tried. Wait a few minutes and try again."))
        return redirect("checkout:review")
    try:
        quote = checkout_quote(state=state, summary=summary)
        total = summary.total + summary.shipping_price(quote.price)
        credit = next((c for c in usable_credits(user=request.user) if c.pk == state.credit_id), None)
        credit_amount = (
            credit_to_apply(wanted=Decimal(state.credit_amount or "0"), total=total, balance=credit.balance)
            if credit
            else Decimal("0.00")
        )
        checkout_gift_card_choice(
            state=state,
            code=request.POST.get("code", "")[:40],
            amount=request.POST.get("amount", "")[:20],
            total=total - credit_amount,
        )
    except CheckoutError as error:
        gift_card_attempt_allowed(request, record=True)
        messages.error(request, str(error))
        return redirect("checkout:review")
    state.save(request)
    messages.success(request, _("Your gift card is applied to this order."))
    return redirect("checkout:review")


@require_POST
def credit(request):
    """Apply one of the shopper's store credits to this checkout (or stop applying it)."""
    here, back = _step(request, delivery=True)
    if back is not None:
        return back
    cart, summary, state = here
    if request.POST.get("remove"):
        state.credit_clear()
        state.save(request)
        return redirect("checkout:review")
    if not request.user.is_authenticated:
        messages.error(request, _("Sign in to use your store credit."))
        return redirect("checkout:review")
    try:
        quote = checkout_quote(state=state, summary=summary)
        checkout_credit_choice(
            state=state,
            customer=request.user,
            credit_id=request.POST.get("credit"),
            amount=request.POST.get("amount"),
            total=summary.total + summary.shipping_price(quote.price),
        )
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("checkout:review")
    state.save(request)
    messages.success(request, _("Your store credit is applied to this order."))
    return redirect("checkout:review")


@require_POST
def place(request):
    state = CheckoutState.load(request)
    cart = request_cart(request)
    key = request.POST.get("key", "")
    customer = signed_in(request.user)
    try:
        order = checkout_place_order(
            cart=cart,
            state=state,
            key=key,
            customer=customer,
            key_handed=form_key_valid(request, form="checkout", key=key),
            guest_order_numbers=request.session.get(GUEST_ORDERS_SESSION_KEY, []),
        )
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("checkout:review" if state.has_delivery else "cart:detail")
    remember_guest_order(request, order.number)
    if getattr(order, "replayed", False):
        return redirect("payments:pay", number=order.number)
    method = PaymentMethod.objects.filter(code=state.payment_method).first()
    CheckoutState.clear(request)
    request.session.pop(COUPON_SESSION_KEY, None)  # used by this order
    if order.payment_status == PaymentStatus.PAID:  # store credit or a gift card paid all of it
        if state.gift_card_code and state.credit_id:
            paid_with = _("Order %(number)s is paid with your store credit and your gift card.")
        elif state.gift_card_code:
            paid_with = _("Order %(number)s is paid with your gift card.")
        else:
            paid_with = _("Order %(number)s is paid with your store credit.")
        messages.success(request, paid_with % {"number": order.number})
        return redirect(order.get_absolute_url())
    if method is not None:
        try:
            payment_start(order=order, method=method, actor=request.user)
        except PaymentError as error:
            messages.error(request, str(error))
    return redirect("payments:pay", number=order.number)


GIFT_CARD_FORM = "gift_card_buy"


@login_required
@require_http_methods(["GET", "POST"])
def gift_card_buy(request):
    """Buy a gift card: an order of its own (no goods, no shipping, no receipt: see
    credit/models.py), paid through the gateway like any order; the card is e-mailed to the
    recipient on the chosen date once the payment is confirmed. The one-time form key makes a
    double submit one order."""
    methods = payment_methods_offered()
    form = GiftCardBuyForm(
        request.POST or None,
        presets=PRESET_AMOUNTS,
        payment_methods=methods,
        today=timezone.localdate(),
        initial={
            "amount": "100",
            "sender_name": request.user.get_full_name(),
            "deliver_on": timezone.localdate().isoformat(),
            "payment_method": methods[0].code if methods else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        key = request.POST.get("key", "")
        if not form_key_valid(request, form=GIFT_CARD_FORM, key=key):
            messages.error(request, _("This form has expired. Check the card and send it again."))
        else:
            try:
                order = order_create_for_gift_cards(
                    customer=request.user,
                    email=request.user.email,
                    cards=[form.cleaned_data["details"]],
                    idempotency_key=key,
                )
            except (ValidationError, IdempotencyConflict) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                if not getattr(order, "replayed", False):
                    method = PaymentMethod.objects.filter(code=form.cleaned_data["payment_method"]).first()
                    try:
                        payment_start(order=order, method=method, actor=request.user)
                    except PaymentError as error:
                        messages.error(request, str(error))
                return redirect("payments:pay", number=order.number)
    return render(
        request,
        "checkout/gift_card_buy.html",
        {"form": form, "key": form_key_issue(request, form=GIFT_CARD_FORM), "presets": PRESET_AMOUNTS},
    )
