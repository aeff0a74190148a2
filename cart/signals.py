"""On login the anonymous cart joins the customer's one active cart, so a customer never has two."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import ngettext

from .selectors import SESSION_KEY
from .services import cart_merge, user_cart


@receiver(user_logged_in, dispatch_uid="cart.merge_on_login")
def merge_anonymous_cart(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    anonymous = request.session.pop(SESSION_KEY, None)
    if not anonymous:
        return
    result = cart_merge(source_id=anonymous, cart=user_cart(user))
    if result.moved:
        messages.info(
            request,
            ngettext(
                "We added %(count)d item from before you signed in to your cart.",
                "We added %(count)d items from before you signed in to your cart.",
                result.moved,
            )
            % {"count": result.moved},
        )
    for message in result.capped:
        messages.warning(request, message)
