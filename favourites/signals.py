"""At sign-in a guest's favourites join the account's, the way the cart merges a guest cart
(cart.signals, the same library hook); the session then keeps a copy of the account's ids."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import ngettext

from . import shopper
from .selectors import account_saved
from .services import favourites_merge


@receiver(user_logged_in, dispatch_uid="favourites.merge_on_login")
def merge_guest_favourites(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    added = favourites_merge(user=user, guest=shopper.saved(request.session))
    shopper.remember(request.session, account_saved(user))
    if added:
        messages.info(
            request,
            ngettext(
                "We saved %(count)d favourite from before you signed in to your account.",
                "We saved %(count)d favourites from before you signed in to your account.",
                added,
            )
            % {"count": added},
            fail_silently=True,
        )  # force_login in tests has no message storage
