"""The customer's order pages and the guest's order look-up (thin: parse, call, render)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import ratelimit
from core.actors import signed_in
from core.site_settings import site_setting

from . import ports, selectors, services
from .access import guest_order, guest_order_from_link, order_for_request, order_url_for, remember_guest_order, shown
from .exceptions import CancelNotAllowed
from .forms import OrderCancelForm, OrderLookupForm
from .models import Order, PaymentStatus
from .timeline import Audience

LOOKUP_ACTION = "lookup_failed"


def _render_detail(request, order: Order, *, guest: bool):
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "guest": guest,
            "discount_sources": selectors.order_discount_sources(order),
            "base_template": "base.html" if guest else "accounts/base_account.html",
            "can_cancel": order.customer_can_cancel(),
            "awaits_payment": order.awaits_payment(),
            "cancel_form": OrderCancelForm(),
            "cancel_url": reverse("orders:guest_cancel" if guest else "orders:cancel", args=[order.number]),
            "cancel_window": site_setting("ORDER_CANCEL_WINDOW_MINUTES"),
            # The shopper's view of the one timeline the admin shows too (no notes unless flagged).
            "timeline": ports.order_timeline(order=order, audience=Audience.CUSTOMER),
        },
    )


def _cancel(request, order: Order, *, redirect_to: str):
    form = OrderCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.order_cancel(order=order, actor=signed_in(request.user), reason=reason, by_customer=True)
    except CancelNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _cancelled_message(order))
    return redirect(redirect_to)


def _cancelled_message(order: Order) -> str:
    if order.payment_status == PaymentStatus.PAID:
        return _(
            "Order %(number)s was cancelled. We will refund your payment to the same card or account once our "
            "team approves it, within %(days)d business days."
        ) % {"number": order.number, "days": site_setting("REFUND_APPROVAL_BUSINESS_DAYS")}
    return _("Order %(number)s was cancelled.") % {"number": order.number}


@login_required
@require_http_methods(["GET"])
def order_list(request):
    page = Paginator(selectors.orders_for_customer(user=request.user), 10).get_page(request.GET.get("page"))
    if services.orders_expire_overdue(orders=page.object_list):  # shown as they now are: expired
        page = Paginator(selectors.orders_for_customer(user=request.user), 10).get_page(request.GET.get("page"))
    return render(request, "orders/list.html", {"page": page, "orders": page.object_list})


@login_required
@require_http_methods(["GET"])
def order_detail(request, number: str):
    return _render_detail(request, shown(selectors.order_for_customer(user=request.user, number=number)), guest=False)


@login_required
@require_POST
def order_cancel(request, number: str):
    order = selectors.order_for_customer(user=request.user, number=number)
    return _cancel(request, order, redirect_to=order.get_absolute_url())


# --- guests ------------------------------------------------------------------------------


def _lookup_allowed(request, *, record: bool) -> bool:
    """Failed look-ups are limited per client (IP and device cookie), never per order number,
    so a stranger guessing cannot lock a guest out of their own order. Fails closed while
    Redis is away (a 503 page)."""
    return ratelimit.consume(
        request,
        action=LOOKUP_ACTION,
        rates=settings.ORDER_LOOKUP_RATE_LIMIT,
        key=getattr(request, "device_id", ""),
        fail_closed=True,
        dry_run=not record,
    )


@require_http_methods(["GET", "POST"])
def guest_lookup(request):
    form = OrderLookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        number, email = form.cleaned_data["number"], form.cleaned_data["email"]
        if not _lookup_allowed(request, record=False):
            return render(request, "429.html", status=429)
        try:
            order = selectors.order_for_guest(number=number, email=email)
        except Http404:
            _lookup_allowed(request, record=True)
            form.add_error(None, _not_found_message())
            status = 404
        else:
            remember_guest_order(request, order.number)
            return redirect("orders:guest_detail", number=order.number)
    return render(request, "orders/lookup.html", {"form": form}, status=status)


def _not_found_message() -> str:
    return _("We could not find an order with that number and e-mail. Check both and try again.")


@require_http_methods(["GET"])
def guest_detail(request, number: str):
    return _render_detail(request, guest_order(request, number), guest=True)


@require_POST
def guest_cancel(request, number: str):
    order = guest_order(request, number)
    return _cancel(request, order, redirect_to=reverse("orders:guest_detail", args=[order.number]))


@require_http_methods(["GET"])
def guest_link(request, number: str, token: str):
    """An order e-mail's link for a guest: opens that order in this browser (and lets it pay)."""
    order = guest_order_from_link(request, number, token)
    return redirect("orders:guest_detail", number=order.number)


@require_http_methods(["GET"])
def order_payment_voucher(request, number: str):
    """The printable voucher of an order waiting for a payment made later (its CIP, amount, expiry
    and where to pay): the shopper's own order only (a customer's, or a guest order this browser
    holds); back to the order page when it no longer waits for a code."""
    order = order_for_request(request, number)
    if order.awaits_payment():
        return render(request, "orders/voucher.html", {"order": order, "order_url": order_url_for(request, order)})
    messages.info(request, _("Order %(number)s is not waiting for a payment code.") % {"number": order.number})
    return redirect(order_url_for(request, order))
