"""Sign-up that answers a taken e-mail exactly like a new one.

allauth hides a taken address only when e-mail verification is mandatory; the store keeps it
optional (shoppers may buy before confirming), so this form flags the conflict instead of
raising it, sends the owner allauth's "account already exists" e-mail, and answers with the
redirect a new account gets (ACCOUNT_SIGNUP_REDIRECT_URL, the "we sent you an e-mail" page)."""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.http import HttpResponseRedirect


class EnumerationSafeSignupForm(SignupForm):
    def validate_unique_email(self, value) -> str:
        try:
            return super().validate_unique_email(value)
        except ValidationError as error:
            if error.code != "email_taken":
                raise
        self.account_already_exists = True
        return value

    def try_save(self, request):
        if not self.account_already_exists:
            return super().try_save(request)
        get_adapter(request).send_account_already_exists_mail(self.cleaned_data["email"])
        return None, HttpResponseRedirect(resolve_url(app_settings.SIGNUP_REDIRECT_URL))
