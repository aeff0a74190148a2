"""Sign-up that answers a taken e-mail exactly like a new one: same redirect, same cookies, same
page, about the same time.

E-mail verification stays optional for signing in (shoppers may buy before confirming), but a
sign-up is treated as allauth's "mandatory" case for that one login: a new account is not signed
in by the answer, it gets the "confirm your e-mail" page and the link signs it in (same browser);
a taken address goes through allauth's own enumeration-safe path to the same page, its owner
getting "an account already exists" by e-mail. Both hash the password (the costly part of a new
account) and both e-mails leave through the worker (accounts.adapter)."""

from allauth.account import app_settings
from allauth.account.forms import SignupForm
from allauth.account.utils import complete_signup, get_next_redirect_url, perform_login
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import resolve_url

MANDATORY = app_settings.EmailVerificationMethod.MANDATORY


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
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])  # the work a new account does; thrown away
            return None, perform_login(request, None, email_verification=MANDATORY, signup=True,
                                       email=self.cleaned_data["email"])
        with transaction.atomic():  # the new account's rows in one commit, not one per row
            user = self.save(request)
        # Where the confirmation link's sign-in lands: the page she came from, or the home page.
        then = get_next_redirect_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
        return user, complete_signup(request, user, MANDATORY, then)
