"""Which orders this browser may see: a signed-in customer's own, or the guest orders it placed
or looked up (their numbers kept in the session). Views of every app above orders use it."""

from django.http import Http404
from django.urls import reverse

from core.sessions import session_remember

from . import selectors, services
from .models import Order

GUEST_ORDERS_SESSION_KEY = "orders:guest_numbers"
GUEST_ORDERS_REMEMBERED = 20


def remember_guest_order(request, number: str) -> None:
    session_remember(request, GUEST_ORDERS_SESSION_KEY, number, keep=GUEST_ORDERS_REMEMBERED)


def guest_order(request, number: str) -> Order:
    """A guest order this browser has looked up (its number is in the session), or 404."""
    number = number.strip().upper()
    if number not in request.session.get(GUEST_ORDERS_SESSION_KEY, []):
        raise Http404
    return shown(selectors.order_detail(queryset=Order.objects.filter(customer__isnull=True), number=number))


def shown(order: Order) -> Order:
    """The order as the shopper should see it: one past its payment window is expired now, lazily,
    even if the scheduled cancellation has not run (it is read again, with its details, if so)."""
    if services.order_payment_overdue(order):
        services.order_expire_if_overdue(order=order)
        return selectors.order_detail(queryset=Order.objects.filter(pk=order.pk), number=order.number)
    return order


def order_for_request(request, number: str) -> Order:
    """The shopper's own order: a signed-in customer's, or a guest order this browser placed
    or looked up. Anything else is a 404, whoever asks."""
    if request.user.is_authenticated:
        return shown(selectors.order_for_customer(user=request.user, number=number))
    return guest_order(request, number)


def order_url_for(request, order: Order) -> str:
    if order.customer_id is not None:
        return order.get_absolute_url()
    return reverse("orders:guest_detail", args=[order.number])


def orders_for_request(request, *, limit: int = 30) -> list[Order]:
    """The orders this browser may see, newest first: a signed-in customer's own, or the guest
    orders it placed or looked up (forms that let a shopper pick one of their orders)."""
    if request.user.is_authenticated:
        queryset = Order.objects.filter(customer=request.user)
    else:
        queryset = Order.objects.filter(customer__isnull=True,
                                        number__in=request.session.get(GUEST_ORDERS_SESSION_KEY, []))
    return list(queryset.order_by("-placed_at", "-pk")[:limit])
