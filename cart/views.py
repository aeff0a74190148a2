from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Kit

from . import services
from .selectors import cart_units, cart_view, request_cart
from .store import LineKey


def _back(request, fallback: str = "cart:detail"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _added(request, cart, *, message: str, error: bool = False):
    """htmx: the buy box's feedback and the header count; otherwise back with a message."""
    if request.htmx:
        return render(request, "cart/_added.html", {"message": message, "error": error,
                                                    "cart_units": cart_units(cart)})
    (messages.error if error else messages.success)(request, message)
    return _back(request)


@require_POST
def add(request):
    cart = request_cart(request, create=True)
    try:
        quantity = services.parse_quantity(request.POST.get("quantity", "1"))
        variant = services.cart_add(cart=cart, sku=request.POST.get("sku", ""), quantity=quantity)
    except services.CartError as error:
        return _added(request, cart, message=str(error), error=True)
    return _added(request, cart, message=_("Added to your cart: %(name)s.") % {"name": variant.product.name})


@require_POST
def add_kit(request, slug: str):
    kit = get_object_or_404(Kit.objects.filter(is_active=True), slug=slug)
    cart = request_cart(request, create=True)
    choices = {}
    for key, value in request.POST.items():
        if key.startswith("item-"):
            try:
                choices[int(key.removeprefix("item-"))] = value
            except ValueError:
                continue
    optional = set()
    for raw in request.POST.getlist("optional"):
        try:
            optional.add(int(raw))
        except ValueError:
            continue
    try:
        services.cart_add_kit(cart=cart, kit=kit, variant_choices=choices, optional_item_ids=optional)
    except services.CartError as error:
        return _added(request, cart, message=str(error), error=True)
    return _added(request, cart, message=_("Added to your cart: %(name)s.") % {"name": kit.name})


def _line(request) -> LineKey | None:
    return LineKey.decode(request.POST.get("line", ""))


def _cart_response(request, cart, *, error: str = ""):
    if request.htmx:
        return render(request, "cart/_cart_body.html", {
            "cart": cart_view(cart), "cart_error": error, "cart_units": cart_units(cart), "oob_count": True,
            "checkout_url": reverse("checkout:details"),
        })
    if error:
        messages.error(request, error)
    return redirect("cart:detail")


@require_POST
def update(request):
    cart, line = request_cart(request), _line(request)
    if cart is None or line is None:
        return HttpResponseBadRequest(_("That line is not in your cart."))
    try:
        quantity = services.parse_quantity(request.POST.get("quantity", ""), allow_zero=True)
        if quantity:
            services.cart_update(cart=cart, line=line, quantity=quantity)
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
