"""The payment step of an order. With the dummy gateway this is the hosted page itself: the
shopper pays, has the card declined, or leaves (the unpaid-order timeout then cancels)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orders.models import OrderStatus
from orders.views import order_for_request, order_url_for

from . import paypal_flow, services, stripe_flow
from .models import Payment, PaymentMethod, Provider


def _pending_attempt(order) -> Payment | None:
    return order.payments.filter(status=Payment.Status.PENDING).select_related("method").order_by("-pk").first()


@require_http_methods(["GET"])
def pay(request, number: str):
    order = order_for_request(request, number)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return redirect(order_url_for(request, order))
    attempt = _pending_attempt(order)
    last = order.payments.select_related("method").order_by("-pk").first()
    return render(request, "payments/pay.html", {
        "order": order, "attempt": attempt, "last": last, "methods": services.payment_methods_offered(),
        "order_url": order_url_for(request, order),
    })


@require_POST
def dummy(request, number: str):
    """The test gateway's buttons: pay, decline, abandon, or try again after a decline."""
    order = order_for_request(request, number)
    action = request.POST.get("action", "")
    try:
        if action == "retry":
            method = PaymentMethod.objects.filter(code=request.POST.get("method", ""), is_active=True).first()
            if method is None or method not in services.payment_methods_offered():
                raise services.PaymentError(_("Choose one of the payment methods shown."))
            if _pending_attempt(order) is None:
                services.payment_start(order=order, method=method, actor=request.user)
            return redirect("payments:pay", number=order.number)
        attempt = _pending_attempt(order)
        if attempt is None or attempt.provider != Provider.DUMMY:
            raise services.PaymentError(_("There is no payment in progress for this order."))
        if action == "pay":
            attempt = services.payment_dummy_pay(payment=attempt, actor=request.user)
            if attempt.status != Payment.Status.SUCCEEDED:
                raise services.PaymentError(attempt.failure_message)
            messages.success(request, _("Payment received. Thank you for your order!"))
            return redirect(order_url_for(request, order))
        if action == "decline":
            services.payment_dummy_decline(payment=attempt)
            messages.error(request, _("Your card was declined. Nothing was charged: try again or use another card."))
            return redirect("payments:pay", number=order.number)
        if action == "abandon":
            services.payment_abandon(payment=attempt)
            messages.info(request, _("You left the payment page. Your order waits for payment for a while, then it is "
                                     "cancelled."))
            return redirect(order_url_for(request, order))
        raise services.PaymentError(_("Unknown payment action."))
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)


@require_POST
def stripe_start(request, number: str):
    """To Stripe's hosted page for the order's pending Stripe attempt."""
    order = order_for_request(request, number)
    attempt = _pending_attempt(order)
    if attempt is None or attempt.provider != Provider.STRIPE:
        messages.error(request, _("There is no payment in progress for this order."))
        return redirect("payments:pay", number=order.number)
    back = request.build_absolute_uri(reverse("payments:stripe_return", args=[order.number]))
    try:
        url = stripe_flow.payment_stripe_start(
            payment=attempt, success_url=back,
            cancel_url=request.build_absolute_uri(reverse("payments:pay", args=[order.number])),
        )
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    return redirect(url)


@require_http_methods(["GET"])
def stripe_return(request, number: str):
    """Back from Stripe: paid now, or being confirmed (the webhook completes it)."""
    order = order_for_request(request, number)
    attempt = order.payments.filter(provider=Provider.STRIPE).order_by("-pk").first()
    if attempt is None:
        return redirect("payments:pay", number=order.number)
    try:
        attempt = stripe_flow.payment_stripe_return(payment=attempt, session_id=request.GET.get("session_id", ""))
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    if attempt.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received. Thank you for your order!"))
    else:
        messages.info(request, _("Stripe is confirming your payment; this page shows it as soon as it arrives."))
    return redirect(order_url_for(request, order))


@require_POST
def paypal_start(request, number: str):
    """To PayPal, where the shopper approves the order's pending PayPal attempt."""
    order = order_for_request(request, number)
    attempt = _pending_attempt(order)
    if attempt is None or attempt.provider != Provider.PAYPAL:
        messages.error(request, _("There is no payment in progress for this order."))
        return redirect("payments:pay", number=order.number)
    try:
        url = paypal_flow.payment_paypal_start(
            payment=attempt,
            return_url=request.build_absolute_uri(reverse("payments:paypal_return", args=[order.number])),
            cancel_url=request.build_absolute_uri(reverse("payments:paypal_cancel", args=[order.number])),
        )
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    return redirect(url)


@require_http_methods(["GET"])
def paypal_return(request, number: str):
    """Back from PayPal after approving (?token=<PayPal order id>): capture and show the order."""
    order = order_for_request(request, number)
    attempt = order.payments.filter(provider=Provider.PAYPAL).order_by("-pk").first()
    if attempt is None:
        return redirect("payments:pay", number=order.number)
    try:
        attempt = paypal_flow.payment_paypal_return(payment=attempt, token=request.GET.get("token", ""))
    except services.PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    if attempt.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received. Thank you for your order!"))
    elif attempt.status == Payment.Status.PENDING:
        messages.info(request, _("PayPal is confirming your payment; this page shows it as soon as it arrives."))
    else:
        messages.error(request, attempt.failure_message or _("The payment was not accepted."))
        return redirect("payments:pay", number=order.number)
    return redirect(order_url_for(request, order))


@require_http_methods(["GET"])
def paypal_cancel(request, number: str):
    """The shopper cancelled on PayPal's page: back to the payment page (the attempt stays
    open, so they can go to PayPal again or choose another method)."""
    order = order_for_request(request, number)
    messages.info(request, _("You cancelled the payment on PayPal. Nothing was charged."))
    return redirect("payments:pay", number=order.number)
