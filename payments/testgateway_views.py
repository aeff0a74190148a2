"""The test gateway's Yape and PagoEfectivo flows, and the demo agent where a newcomer "pays" a
CIP in cash (only while the test gateway is on): thin views over payments.services.testgateway."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orders.access import order_for_request, order_url_for

from .models import Payment, Provider
from .selectors import payment_methods_offered, payment_pending_attempt, payment_refusal
from .services import PaymentError
from .services.testgateway import (
    AgentRefusal,
    payment_test_gateway_agent_pay,
    payment_test_gateway_cip,
    payment_test_gateway_yape,
)
from .testgateway_forms import AgentCodeForm, AgentPayForm, YapeForm
from .waiting import payment_waiting_for_test_cip


def _attempt_or_refuse(request, number: str):
    order = order_for_request(request, number, details=False)
    if (refusal := payment_refusal(order)) is not None:  # paid already (a replay), expired or cancelled
        messages.error(request, refusal)
        return order, None
    attempt = payment_pending_attempt(order)
    if attempt is None or attempt.provider != Provider.TEST:
        messages.error(request, _("There is no payment in progress for this order."))
        return order, None
    return order, attempt


@require_POST
def yape(request, number: str):
    """Yape on the test gateway: the phone and the approval code (any six digits; 000000 is refused)."""
    order, attempt = _attempt_or_refuse(request, number)
    if attempt is None:
        return redirect(order_url_for(request, order))
    form = YapeForm(request.POST)
    try:
        if not form.is_valid():
            raise PaymentError(" ".join(str(error) for errors in form.errors.values() for error in errors))
        attempt = payment_test_gateway_yape(
            payment=attempt, phone=form.cleaned_data["phone"], approval_code=form.cleaned_data["approval_code"]
        )
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    if attempt.status == Payment.Status.SUCCEEDED:
        messages.success(request, _("Payment received with Yape. Thank you for your order!"))
        return redirect(order_url_for(request, order))
    messages.error(request, attempt.failure_message or _("The payment did not go through."))
    return redirect("payments:pay", number=order.number)


@require_POST
def cip(request, number: str):
    """PagoEfectivo on the test gateway: a CIP to pay later; the order page then shows it."""
    order, attempt = _attempt_or_refuse(request, number)
    if attempt is None:
        return redirect(order_url_for(request, order))
    try:
        attempt = payment_test_gateway_cip(payment=attempt)
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect("payments:pay", number=order.number)
    messages.success(
        request,
        _("Your CIP code is %(code)s: pay it at an agent or from your bank's app before it expires.")
        % {"code": attempt.pay_code},
    )
    return redirect(order_url_for(request, order))


def _test_gateway_on() -> bool:
    return any(method.provider == Provider.TEST for method in payment_methods_offered())


@require_http_methods(["GET", "POST"])
def agent(request):
    """The demo agent (agente PagoEfectivo): enter a CIP, see what it is for, take the cash. A 404
    unless the test gateway is on (no real gateway configured, or development)."""
    if not _test_gateway_on():
        raise Http404
    context: dict[str, object] = {"form": AgentCodeForm()}
    if request.method == "GET":
        return render(request, "payments/test_agent.html", context)
    if request.POST.get("action") == "pay":
        return _agent_pay(request)
    form = AgentCodeForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "payments/test_agent.html", context, status=400)
    payment = payment_waiting_for_test_cip(form.cleaned_data["code"])
    if payment is None:
        form.add_error("code", _("There is no CIP %(code)s waiting to be paid.") % {"code": form.cleaned_data["code"]})
        return render(request, "payments/test_agent.html", context, status=404)
    context["payment"] = payment
    return render(request, "payments/test_agent.html", context)


def _agent_pay(request):
    form = AgentPayForm(request.POST)
    context: dict[str, object] = {"form": form}
    if not form.is_valid():
        return render(request, "payments/test_agent.html", context, status=400)
    try:
        payment = payment_test_gateway_agent_pay(code=form.cleaned_data["code"], amount=form.cleaned_data["amount"])
    except AgentRefusal as refusal:
        form.add_error(None, str(refusal))
        return render(request, "payments/test_agent.html", context, status=refusal.status)
    context.update({"paid": payment, "form": AgentCodeForm()})
    return render(request, "payments/test_agent.html", context)
