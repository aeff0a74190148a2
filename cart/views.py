from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Kit
from core import ratelimit

from . import services
from .selectors import COUPON_SESSION_KEY, cart_units, cart_view, request_cart
from .store import LineKey


def _back(request, fallback: str = "cart:detail"):
    # `next` is a path on this site or ignored: redirect() would read "abc" as a URL name (a 500).
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


def _added(request, cart, *, message: str, error: bool = False, status: int = 200):
    """htmx: the buy box's feedback and the header count; otherwise back with a message."""
    if request.htmx:
        return render(
            request,
            "cart/_added.html",
            {"message": message, "error": error, "cart_units": cart_units(cart)},
            status=status,
        )
    (messages.error if error else messages.success)(request, message)
    return _back(request)


def _client(request) -> services.ClientId:
    return services.ClientId(ip=ratelimit.client_ip(request), device=getattr(request, "device_id", ""))


def _too_fast(request, *, in_drop: bool) -> bool:
    """Add-to-cart per client IP and device, stricter for a product in a live drop; fails open
    while Redis is away (the cart is closed then anyway)."""
    rates = settings.CART_ADD_DROP_RATE_LIMIT if in_drop else settings.CART_ADD_RATE_LIMIT
    return not ratelimit.consume(
        request, action="cart_add", rates=rates, key=getattr(request, "device_id", ""), fail_closed=False
    )


TOO_FAST = gettext_lazy("You are adding to the cart too quickly. Please wait a minute and try again.")


@require_POST
def add(request):
    cart = request_cart(request, create=True)
    sku = request.POST.get("sku", "")
    if _too_fast(request, in_drop=services.sku_in_live_drop(sku)):
        return _added(request, cart, message=str(TOO_FAST), error=True, status=429)
    try:
        quantity = services.parse_quantity(request.POST.get("quantity", "1"))
        variant = services.cart_add(cart=cart, sku=sku, quantity=quantity, client=_client(request))
    except services.CartError as error:
        return _added(request, cart, message=str(error), error=True)
    return _added(request, cart, message=_("Added to your cart: %(name)s.") % {"name": variant.product.name})


@require_POST
def add_kit(request, slug: str):
    kit = get_object_or_404(Kit.objects.filter(is_active=True), slug=slug)
    cart = request_cart(request, create=True)
    choices, optional = services.parse_kit_choices(request.POST)
    if _too_fast(request, in_drop=False):
        return _added(request, cart, message=str(TOO_FAST), error=True, status=429)
    try:
        services.cart_add_kit(
            cart=cart, kit=kit, variant_choices=choices, optional_item_ids=optional, client=_client(request)
        )
    except services.CartError as error:
        return _added(request, cart, message=str(error), error=True)
    return _added(request, cart, message=_("Added to your cart: %(name)s.") % {"name": kit.name})


def _line(request) -> LineKey | None:
    return LineKey.decode(request.POST.get("line", ""))


def _cart_response(
    request, cart, *, error: str = "", summary=None, coupon_error: str = "", coupon_input: str = "", status: int = 200
):
    if request.htmx:
        return render(
            request,
            "cart/_cart_body.html",
            {
                "cart": summary if summary is not None else cart_view(cart),
                "cart_error": error,
                "cart_units": cart_units(cart),
                "oob_count": True,
                "checkout_url": reverse("checkout:details"),
                "coupon_error": coupon_error,
                "coupon_input": coupon_input,
            },
        )
    if error or coupon_error:
        messages.error(request, error or coupon_error)
    if status != 200:
        return render(
            request,
            "cart/cart.html",
            {
                "cart": cart_view(cart),
                "checkout_url": reverse("checkout:details"),
                "coupon_input": coupon_input,
            },
            status=status,
        )
    return redirect("cart:detail")


@require_POST
def update(request):
    cart, line = request_cart(request), _line(request)
    if cart is None or line is None:
        return HttpResponseBadRequest(_("That line is not in your cart."))
    try:
        quantity = services.parse_quantity(request.POST.get("quantity", ""), allow_zero=True)
        if quantity:
            services.cart_update(cart=cart, line=line, quantity=quantity, client=_client(request))
        else:
            services.cart_remove(cart=cart, line=line)
    except services.CartError as error:
        return _cart_response(request, cart, error=str(error))
    return _cart_response(request, cart)


@require_POST
def remove(request):
    cart, line = request_cart(request), _line(request)
    if cart is None or line is None:
        return HttpResponseBadRequest(_("That line is not in your cart."))
    services.cart_remove(cart=cart, line=line)
    return _cart_response(request, cart)


@require_GET
def detail(request):
    cart = request_cart(request)
    return render(request, "cart/cart.html", {"cart": cart_view(cart), "checkout_url": reverse("checkout:details")})


COUPON_ACTION = "coupon"


def _coupon_attempt_allowed(request, cart, *, record: bool) -> bool:
    """Codes that do not apply are limited per client IP and per cart (the session's or the
    customer's), so codes cannot be guessed by brute force; with Redis away it fails closed."""
    return ratelimit.consume(
        request,
        action=COUPON_ACTION,
        rates=settings.COUPON_RATE_LIMIT,
        key=cart.id,
        fail_closed=True,
        dry_run=not record,
    )


@require_POST
def coupon_apply(request):
    cart = request_cart(request, create=True)
    code = request.POST.get("code", "")
    shown = code.strip()[:40]
    if not shown:
        return _cart_response(request, cart, coupon_error=_("Enter your coupon code."))
    if not _coupon_attempt_allowed(request, cart, record=False):
        error = _("Too many codes tried. Wait a few minutes and try again.")
        return _cart_response(
            request, cart, coupon_error=error, coupon_input=shown, status=200 if request.htmx else 429
        )
    summary = cart_view(replace(cart, coupon_code=code))
    if not summary.lines:
        return _cart_response(request, cart, error=_("Add products to your cart before applying a coupon."))
    if summary.coupon is None:
        _coupon_attempt_allowed(request, cart, record=True)
        return _cart_response(request, cart, coupon_error=summary.coupon_refusal, coupon_input=shown)
    request.session[COUPON_SESSION_KEY] = summary.coupon.code
    if not request.htmx:
        messages.success(request, _("Coupon %(code)s applied.") % {"code": summary.coupon.code})
    return _cart_response(request, cart, summary=summary)


@require_POST
def coupon_remove(request):
    request.session.pop(COUPON_SESSION_KEY, None)
    return _cart_response(request, request_cart(request))
