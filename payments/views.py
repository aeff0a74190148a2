"""The payment step of an order. With the test gateway this is the hosted page itself: the
shopper pays, has the card declined, or leaves (the unpaid-order timeout then cancels)."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.money import format_money
from credit.selectors import order_amount_due
from orders.access import order_for_request, order_url_for

from . import services
from .clients.culqi import ThreeDSAuthentication
from .models import Payment, PaymentMethod, Provider
from .selectors import (
    payment_methods_offered,
    payment_pending_attempt,
    payment_provider_configured,
    payment_refusal,
)
from .services import culqi_flow
from .services.gateways import gateway_for

# Culqi Checkout's card window: its script, frame and API calls (the only outside hosts of the page).
CULQI_CSP = {
    "script-src": ["https://checkout.culqi.com", "https://js.culqi.com"],
    "frame-src": ["https://checkout.culqi.com", "https://*.culqi.com"],
    "connect-src": ["https://*.culqi.com"],
}
# Culqi3DS (https://3ds.culqi.com): the device id on the cuotas page, the bank's verification on the
# 3-D Secure page. The verification page is the card issuer's own, on a host no list can name, so
# only that page may frame any https page.
CULQI_3DS_SCRIPT = "https://3ds.culqi.com"
CULQI_DEVICE_CSP = {
    "script-src": [CULQI_3DS_SCRIPT],
    "frame-src": ["https://*.culqi.com"],
    "connect-src": ["https://*.culqi.com"],
}
CULQI_3DS_CSP = {
    "script-src": [CULQI_3DS_SCRIPT],
    "style-src": [CULQI_3DS_SCRIPT],
    "frame-src": ["https:"],
    "connect-src": ["https://*.culqi.com"],
}


@csp_update(CULQI_CSP)  # type: ignore[arg-type]  # django-csp types a view as taking the request only
@require_http_methods(["GET"])
def pay(request, number: str):
    order = order_for_request(request, number)
    if (refusal := payment_refusal(order)) is not None:
        messages.info(request, refusal)
        return redirect(order_url_for(request, order))
    attempt = payment_pending_attempt(order)
    last = order.payments.select_related("method").order_by("-pk").first()
    gateway = gateway_for(attempt.provider) if attempt is not None else None
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "attempt": attempt,
            "last": last,
            "methods": payment_methods_offered(),
            "order_url": order_url_for(request, order),
            "gateway": gateway,
            "start_url": f"payments:{attempt.provider}_start" if attempt is not None else "",
            "amount_due": order_amount_due(order),
            "culqi_public_key": settings.CULQI_PUBLIC_KEY,
            "culqi_amount_cents": int(attempt.amount * 100) if attempt is not None else 0,
        },
    )


@require_POST
def test_gateway(request, number: str):
    """The test gateway's buttons: pay, decline, abandon, or try again after a decline."""
    order = order_for_request(request, number, details=False)
    action = request.POST.get("action", "")
    if (refusal := payment_refusal(order)) is not None:  # paid already (a replay), expired or cancelled
        messages.error(request, refusal)
        return redirect(order_url_for(request, order))
    try:
        if action == "retry":
            method = PaymentMethod.objects.filter(code=request.POST.get("method", ""), is_active=True).first()
            if method is None or method not in payment_methods_offered():
                raise services.PaymentError(_("Choose one of the payment methods shown."))
            if payment_pending_attempt(order) is None:
                services.payment_start(order=order, method=method, actor=request.user)
            return redirect("payments:pay", number=order.number)
        attempt = payment_pending_attempt(order)
        if attempt is None or attempt.provider != Provider.TEST:
            raise services.PaymentError(_("There is no payment in progress for this order."))
        if action == "pay":
            attempt = services.payment_test_gateway_pay(payment=attempt, actor=request.user)
            if attempt.status != Payment.Status.SUCCEEDED:
                raise services.PaymentError(attempt.failure_message)
            messages.success(request, _("Payment received. Thank you for your order!"))
            return redirect(order_url_for(request, order))
        if action == "decline":
            services.payment_test_gateway_decline(payment=attempt)
            messages.error(request, _("Your card was declined. Nothing was charged: try again or use another card."))
            return redirect("payments:pay", number=order.number)
        if action == "abandon":
            services.payment_abandon(payment=attempt)
            messages.info(
                request,
                _(
                    "You left without paying. Order %(number)s keeps your products until %(time)s: pay it from this "
                    "page whenever you are ready. After that it is cancelled and nothing is charged."
                )
                % {"number": order.number, "time": time_format(timezone.localtime(order.payment_deadline()))},
            )
            return redirect(order_url_for(request, order))
        raise services.PaymentError(_("Unknown payment action."))
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)


def _gateway_attempt(request, number: str, provider: str):
    order = order_for_request(request, number, details=False)
    return order, order.payments.filter(provider=provider).order_by("-pk").first()


@require_POST
def gateway_start(request, number: str, provider: str):
    """To the gateway's page for the order's pending attempt with that gateway."""
    order = order_for_request(request, number, details=False)
    attempt = payment_pending_attempt(order)
    if attempt is None or attempt.provider != provider:
        messages.error(request, _("There is no payment in progress for this order."))
        return redirect("payments:pay", number=order.number)
    try:
        url = gateway_for(provider).start(
            payment=attempt,
            return_url=request.build_absolute_uri(reverse(f"payments:{provider}_return", args=[order.number])),
            cancel_url=request.build_absolute_uri(reverse(f"payments:{provider}_cancel", args=[order.number])),
        )
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    return redirect(url)


@require_http_methods(["GET"])
def gateway_return(request, number: str, provider: str):
    """Back from the gateway: paid now, still being confirmed (its webhook completes it), or refused."""
    gateway = gateway_for(provider)
    order, attempt = _gateway_attempt(request, number, provider)
    if attempt is None:
        return redirect("payments:pay", number=order.number)
    try:
        attempt = gateway.handle_return(payment=attempt, reference=request.GET.get(gateway.return_parameter, ""))
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    if attempt.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received. Thank you for your order!"))
    elif attempt.status == Payment.Status.WAITING:
        messages.info(
            request,
            _("Your order is reserved until %(expiry)s: pay it with code %(code)s as %(gateway)s told you.")
            % {
                "expiry": date_format(timezone.localtime(attempt.pay_code_expires_at), "DATETIME_FORMAT"),
                "code": attempt.pay_code,
                "gateway": gateway.name,
            },
        )
    elif attempt.status == Payment.Status.PENDING:
        messages.info(
            request,
            _("%(gateway)s is confirming your payment; this page shows it as soon as it arrives.")
            % {"gateway": gateway.name},
        )
    else:
        messages.error(request, attempt.failure_message or _("The payment was not accepted."))
        return redirect("payments:pay", number=order.number)
    return redirect(order_url_for(request, order))


@require_http_methods(["GET"])
def gateway_cancel(request, number: str, provider: str):
    """The shopper cancelled on the gateway's page: back to the payment page (the attempt stays
    open, so they can go to the gateway again or choose another method)."""
    order = order_for_request(request, number, details=False)
    messages.info(
        request,
        _("You cancelled the payment on %(gateway)s. Nothing was charged.") % {"gateway": gateway_for(provider).name},
    )
    return redirect("payments:pay", number=order.number)


# --- Culqi: the forms on the pay page post here -------------------------------------------------


def _culqi_attempt(request, number: str):
    """(order, its pending Culqi attempt) or a refusal for the shopper (PaymentError)."""
    order = order_for_request(request, number, details=False)
    if (refusal := payment_refusal(order)) is not None:  # paid already (a replay), expired or cancelled
        raise services.PaymentError(refusal)
    attempt = payment_pending_attempt(order)
    if attempt is None or attempt.provider != Provider.CULQI:
        raise services.PaymentError(_("There is no payment in progress for this order."))
    if not payment_provider_configured(Provider.CULQI):  # its keys were removed since the attempt began
        raise services.PaymentError(_("That payment method is not available."))
    return order, attempt


def _culqi_outcome(request, order, attempt):
    messages.success(request, _("Payment received. Thank you for your order!"))
    return redirect(order_url_for(request, order))


@csp_update(CULQI_DEVICE_CSP)  # type: ignore[arg-type]  # django-csp types a view as taking the request only
@require_POST
def culqi_card(request, number: str):
    """The card Culqi.js tokenised: first its cuotas are offered (the issuer's, read back from Culqi),
    then the charge is made with the number chosen. The amount is the attempt's, never the form's.
    A bank asking for 3-D Secure sends the shopper to culqi_card_3ds, nothing charged yet."""
    from .forms import CulqiCardForm

    try:
        order, attempt = _culqi_attempt(request, number)
        form = CulqiCardForm(request.POST)
        if not form.is_valid():
            raise services.PaymentError(_("Culqi did not recognise that card. Enter it again."))
        token_id, installments = form.cleaned_data["token"], form.cleaned_data["installments"]
        if installments is None:
            card = culqi_flow.payment_culqi_card_options(payment=attempt, token_id=token_id)
            return render(
                request,
                "payments/culqi_card_confirm.html",
                {
                    "order": order,
                    "attempt": attempt,
                    "card": card,
                    "order_url": order_url_for(request, order),
                    "culqi_public_key": settings.CULQI_PUBLIC_KEY,
                },
            )
        attempt = culqi_flow.payment_culqi_card_pay(
            payment=attempt,
            token_id=token_id,
            installments=installments,
            device_id=form.cleaned_data.get("device_id") or "",
        )
    except culqi_flow.AuthenticationRequired as asked:
        messages.info(request, str(asked))
        return redirect("payments:culqi_card_3ds", number=number)
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=number)
    return _culqi_outcome(request, order, attempt)


@csp_update(CULQI_3DS_CSP)  # type: ignore[arg-type]  # django-csp types a view as taking the request only
@require_http_methods(["GET", "POST"])
def culqi_card_3ds(request, number: str):
    """3-D Secure: the page runs Culqi3DS for the card whose charge the bank answered with REVIEW
    (GET; also Culqi3DS's returnUrl), then posts what it hands back; the same card is charged again
    with it, its cuotas and the attempt's amount (never the form's)."""
    from .forms import Culqi3DSForm

    try:
        order, attempt = _culqi_attempt(request, number)
        card = culqi_flow.payment_culqi_card_awaiting_authentication(payment=attempt)
        if card is None:
            raise services.PaymentError(
                _("There is no card verification in progress for this order. Enter your card again.")
            )
        if request.method == "GET":
            return render(
                request,
                "payments/culqi_card_3ds.html",
                {
                    "order": order,
                    "attempt": attempt,
                    "card": card,
                    "order_url": order_url_for(request, order),
                    "culqi_public_key": settings.CULQI_PUBLIC_KEY,
                    "culqi_amount_cents": int(attempt.amount * 100),
                    "return_url": request.build_absolute_uri(),
                },
            )
        form = Culqi3DSForm(request.POST)
        if not form.is_valid():  # nothing is charged; the same verification may be run again
            messages.error(request, _("Your bank's verification did not finish. Try again."))
            return redirect("payments:culqi_card_3ds", number=number)
        data = form.cleaned_data
        authentication = ThreeDSAuthentication(
            eci=data["eci"],
            cavv=data["cavv"],
            xid=data["xid"],
            protocol_version=data["protocolVersion"],
            directory_server_transaction_id=data["directoryServerTransactionId"],
        )
        attempt = culqi_flow.payment_culqi_card_authenticated_pay(payment=attempt, authentication=authentication)
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=number)
    return _culqi_outcome(request, order, attempt)


@require_POST
def culqi_yape(request, number: str):
    """Yape: the phone number and the approval code the shopper's Yape app shows."""
    from .forms import CulqiYapeForm

    try:
        order, attempt = _culqi_attempt(request, number)
        form = CulqiYapeForm(request.POST)
        if not form.is_valid():
            raise services.PaymentError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        attempt = culqi_flow.payment_culqi_yape_pay(
            payment=attempt, phone=form.cleaned_data["phone"], otp=form.cleaned_data["otp"]
        )
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=number)
    return _culqi_outcome(request, order, attempt)


@require_POST
def culqi_cip(request, number: str):
    """A PagoEfectivo CIP: the order waits for it to be paid at an agent or from a bank app."""
    try:
        order, attempt = _culqi_attempt(request, number)
        attempt = culqi_flow.payment_culqi_cip_start(payment=attempt)
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=number)
    messages.success(
        request,
        _("Your PagoEfectivo code is %(code)s. Pay %(amount)s before %(expiry)s at an agent or from your bank app.")
        % {
            "code": attempt.pay_code,
            "amount": format_money(attempt.amount),
            "expiry": date_format(timezone.localtime(attempt.pay_code_expires_at), "DATETIME_FORMAT"),
        },
    )
    return redirect(order_url_for(request, order))
