"""Which orders this browser may see: a signed-in customer's own, or the guest orders it placed
or looked up (their numbers kept in the session). Views of every app above orders use it."""

from django.core import signing
from django.http import Http404
from django.urls import reverse

from core.sessions import session_remember

from . import selectors, services
from .models import Order

GUEST_ORDERS_SESSION_KEY = "orders:guest_numbers"
GUEST_ORDERS_REMEMBERED = 20
# The e-mails' link to a guest order: signed for that order's id and e-mail, so only the order's
# own e-mails carry a link that opens it (a token of another order, or edited, is refused).
GUEST_LINK_SALT = "orders.guest-link"


def remember_guest_order(request, number: str) -> None:
    session_remember(request, GUEST_ORDERS_SESSION_KEY, number, keep=GUEST_ORDERS_REMEMBERED)


def guest_order(request, number: str, *, details: bool = True) -> Order:
    """A guest order this browser has looked up (its number is in the session), or 404."""
    number = number.strip().upper()
    if number not in request.session.get(GUEST_ORDERS_SESSION_KEY, []):
        raise Http404
    found = selectors.order_detail(queryset=Order.objects.filter(customer__isnull=True), number=number, details=details)
    return shown(found, details=details)


def shown(order: Order, *, details: bool = True) -> Order:
    """The order as the shopper should see it: one past its payment window is expired now, lazily,
    even if the scheduled cancellation has not run (it is read again, with its details, if so)."""
    if services.order_payment_overdue(order):
        services.order_expire_if_overdue(order=order)
        return selectors.order_detail(queryset=Order.objects.filter(pk=order.pk), number=order.number, details=details)
    return order


def order_for_request(request, number: str, *, details: bool = True) -> Order:
    """The shopper's own order: a signed-in customer's, or a guest order this browser placed
    or looked up (also after signing in). Anything else is a 404, whoever asks. `details`: its
    lines, history and shipments read too (a view that acts on the order, showing none of them,
    reads its row alone: four queries fewer)."""
    if request.user.is_authenticated:
        try:
            return shown(
                selectors.order_for_customer(user=request.user, number=number, details=details), details=details
            )
        except Http404:
            pass  # a guest order this browser placed or opened before signing in
    return guest_order(request, number, details=details)


def order_url_for(request, order: Order) -> str:
    if order.customer_id is not None:
        return order.get_absolute_url()
    return reverse("orders:guest_detail", args=[order.number])


def _guest_link_signer(order: Order) -> signing.Signer:
    return signing.Signer(salt=f"{GUEST_LINK_SALT}:{order.pk}:{order.email.lower()}")


def order_email_path(order: Order) -> str:
    """Where an order e-mail sends the shopper: a customer's order page (they sign in), or for a
    guest a signed link that opens that order in any browser."""
    if order.customer_id is not None:
        return order.get_absolute_url()
    token = _guest_link_signer(order).sign(order.number).rsplit(":", 1)[1]
    return reverse("orders:guest_link", args=[order.number, token])


def guest_order_from_link(request, number: str, token: str) -> Order:
    """The guest order an e-mail's signed link names, now remembered by this browser (its page and
    payment page open); an edited token, or one of another order, is a 404."""
    order = Order.objects.filter(customer__isnull=True, number=number.strip().upper()).first()
    if order is None:
        raise Http404
    try:
        _guest_link_signer(order).unsign(f"{order.number}:{token}")
    except signing.BadSignature:
        raise Http404 from None
    remember_guest_order(request, order.number)
    return order


def orders_for_request(request, *, limit: int = 30) -> list[Order]:
    """The orders this browser may see, newest first: a signed-in customer's own, or the guest
    orders it placed or looked up (forms that let a shopper pick one of their orders)."""
    if request.user.is_authenticated:
        queryset = Order.objects.filter(customer=request.user)
    else:
        queryset = Order.objects.filter(
            customer__isnull=True, number__in=request.session.get(GUEST_ORDERS_SESSION_KEY, [])
        )
    return list(queryset.order_by("-placed_at", "-pk")[:limit])


def order_payment_link(order: Order) -> str:
    """The absolute link the customer pays an order from: order_email_path on the shop's address."""
    from core.sites import site_url

    return site_url(order_email_path(order))


def order_whatsapp_share_link(order: Order) -> str:
    """A wa.me link to the order's delivery phone with a message carrying the payment link and when
    the payment window closes ("" without a usable phone number): staff send it to a customer who
    ordered on WhatsApp or by phone."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from core.contact import whatsapp_share_url
    from core.money import format_money

    deadline = date_format(timezone.localtime(order.payment_deadline()), "DATETIME_FORMAT")
    text = _("Hello! Your order %(number)s for %(total)s is ready. Pay it here before %(deadline)s: %(link)s") % {
        "number": order.number,
        "total": format_money(order.total),
        "deadline": deadline,
        "link": order_payment_link(order),
    }
    return whatsapp_share_url((order.shipping_address or {}).get("phone", ""), text)
