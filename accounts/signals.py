from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .services import user_mark_email_verified


@receiver(email_confirmed, dispatch_uid="accounts.email_confirmed")
def _on_email_confirmed(request, email_address, **kwargs) -> None:
    if email_address.primary or email_address.email.lower() == email_address.user.email.lower():
        if not user_mark_email_verified(user=email_address.user) and request is not None:
            # Only now, to the confirmed owner of the address, may the store say the DNI is taken.
            messages.warning(
                request,
                _(
                    "The DNI you gave is already registered to another account, so it was "
                    "not added to yours. If it is yours, write to us."
                ),
            )
