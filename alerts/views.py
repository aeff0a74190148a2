"""The shopper's side of alerts: leave an address ("Avísame"), confirm it, unsubscribe, and open
a forgotten cart's link. Thin: each parses, calls one service and answers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cart.selectors import SESSION_KEY, request_cart
from cart.services import CartError
from core import ratelimit

from . import services
from .models import StockAlert


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("storefront:home")


def _answer(request, *, message: str, error: bool = False, status: int = 200):
    """htmx: the form's place shows the answer; otherwise back to the product with a message."""
    if request.htmx:
        return render(request, "alerts/_stock_alert_answer.html", {"message": message, "error": error}, status=status)
    (messages.error if error else messages.success)(request, message)
    return _back(request)


@require_POST
def alert_request(request):
    if not ratelimit.consume(
        request,
        action="stock_alert",
        rates=settings.STOCK_ALERT_RATE_LIMIT,
        key=getattr(request, "device_id", ""),
        fail_closed=False,
    ):
        return _answer(
            request, message=_("Too many requests. Please wait a minute and try again."), error=True, status=429
        )
    try:
        alert = services.stock_alert_request(
            variant_id=request.POST.get("variant", ""), email=request.POST.get("email", ""), user=request.user
        )
    except services.AlertError as error:
        return _answer(request, message=str(error), error=True, status=400)
    if alert.status == StockAlert.Status.PENDING:
        message = _("Check your inbox: confirm the alert for %(name)s from the message we sent to %(email)s.")
    elif alert.kind == StockAlert.Kind.LAUNCH:
        message = _("Done: we will e-mail %(email)s when %(name)s launches.")
    else:
        message = _("Done: we will e-mail %(email)s when %(name)s is back in stock.")
    return _answer(request, message=message % {"email": alert.email, "name": alert.item_name})


def _page(request, *, title: str, message: str, status: int = 200, alert=None):
    return render(request, "alerts/message.html", {"title": title, "message": message, "alert": alert}, status=status)


@require_GET
def alert_confirm(request, token: str):
    try:
        alert = services.stock_alert_confirm(token=token)
    except services.AlertError as error:
        return _page(request, title=_("We could not confirm your alert"), message=str(error), status=400)
    if alert.kind == StockAlert.Kind.LAUNCH:
        message = _("We will e-mail you when %(name)s launches.")
    else:
        message = _("We will e-mail you when %(name)s is back in stock.")
    return _page(request, title=_("Alert confirmed"), message=message % {"name": alert.item_name}, alert=alert)


@csrf_exempt  # a mail client's one-click unsubscribe (RFC 8058) posts without a form; the signed link is the key
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token: str):
    try:
        if request.method == "GET":  # asks first: a scanner following the e-mail's links changes nothing
            alert = services.stock_alert_for_unsubscribe(token=token)
            if alert.status != StockAlert.Status.UNSUBSCRIBED:
                return render(request, "alerts/unsubscribe.html", {"alert": alert})
        else:
            alert = services.stock_alert_unsubscribe(token=token)
    except services.AlertError as error:
        return _page(request, title=_("We could not cancel your alert"), message=str(error), status=400)
    return _page(
        request,
        title=_("Alert cancelled"),
        alert=alert,
        message=_("We will not e-mail you about %(name)s any more.") % {"name": alert.item_name},
    )


@require_GET
def cart_restore(request, token: str):
    try:
        reminder = services.cart_reminder_for_token(token=token)
    except services.AlertError as error:
        return _page(request, title=_("We could not open your cart"), message=str(error), status=400)
    if reminder.user_id is not None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.pk != reminder.user_id:
            return _page(
                request,
                title=_("We could not open your cart"),
                status=403,
                message=_("This link belongs to another account. Sign in with the account it was sent to."),
            )
    cart = request_cart(request, create=True)
    try:
        adopt = services.cart_reminder_recover(reminder=reminder, cart=cart)
    except (services.AlertError, CartError) as error:
        messages.info(request, str(error))
        return redirect("cart:detail")
    if adopt:
        request.session[SESSION_KEY] = reminder.cart_key
    messages.success(request, _("Your cart is back. You can finish your purchase."))
    return redirect("cart:detail")
