"""The admin's sign-in goes through the shop's limiter: allauth's adapter (accounts.adapter)
counts failed attempts per client IP and per account from that IP
(ACCOUNT_RATE_LIMITS["login_failed"]), so the back office throttles password guessing exactly
like the shop's login, and a guesser cannot lock the owner out."""

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": _("Too many failed sign-in attempts. Please wait a few minutes and try again."),
        "second_factor": _("This account signs in with a second factor: use the store's sign-in page."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # This form asks no code: an account with one signs in where allauth asks it (core.staff_mfa).
        if is_mfa_enabled(user):
            raise forms.ValidationError(self.error_messages["second_factor"], code="second_factor")

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = get_adapter(self.request).authenticate(self.request, email=email, password=password)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["too_many_attempts"], code="too_many_attempts"
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
