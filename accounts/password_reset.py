"""The password reset form (allauth's ACCOUNT_FORMS["reset_password"]); apart from accounts.forms,
which allauth's own forms module imports (ACCOUNT_SIGNUP_FORM_CLASS)."""

from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from django.utils.translation import get_language

from . import enqueue

if TYPE_CHECKING:
    from .models import User


class EnumerationSafeResetPasswordForm(ResetPasswordForm):
    """A password reset whose request does the same for every address: it checks the address's
    form and hands it to a task on commit. The task looks the account up and sends the link or
    "there is no account here", so neither the answer nor its time tells which addresses exist."""

    def clean_email(self) -> str:
        self.users: list[User] = []  # looked up by the task, not here
        return get_adapter().clean_email(self.cleaned_data["email"].lower())

    def save(self, request, **kwargs) -> str:
        email: str = self.cleaned_data["email"]
        enqueue.password_reset_send(
            email=email, host=request.get_host(), secure=request.is_secure(), language=get_language()
        )
        return email
