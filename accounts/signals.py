from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import user_mark_email_verified


@receiver(email_confirmed, dispatch_uid="accounts.email_confirmed")
def _on_email_confirmed(request, email_address, **kwargs) -> None:
    if email_address.primary or email_address.email.lower() == email_address.user.email.lower():
        user_mark_email_verified(user=email_address.user)
