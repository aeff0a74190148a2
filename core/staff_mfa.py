"""The back office behind a second factor (allauth.mfa: TOTP and recovery codes).

With STAFF_MFA_REQUIRED (production), for anyone with admin access (is_staff: staff and sellers):
- the admin's own sign-in page sends to the store's (allauth's), which asks the TOTP code (or a
  recovery code) after the password;
- without a TOTP set up, every admin page sends to setting one up first;
- a session that was not signed in with the code (signed in before it was set up or required) is
  signed out and asked to sign in again, with the code.
Customers are never asked. Without the setting, the admin's form still refuses a password alone for
an account that has a second factor (core.admin_login), so turning it on never meets a bypass."""

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.fixed_urls import reverse_fixed


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def _to(view_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(view_name)}?{urlencode({'next': next_url})}")


class StaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Every request asks where the admin starts: reversed once (core.fixed_urls).
        if settings.STAFF_MFA_REQUIRED and request.path.startswith(reverse_fixed("admin:index")):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """Where an admin request goes instead of the admin, or None to let it through."""
        if request.path == reverse_fixed("admin:logout"):
            return None
        if request.path == reverse_fixed("admin:login"):
            return _to("account_login", request.GET.get("next") or reverse_fixed("admin:index"))
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return None  # the admin itself sends to its sign-in page (above)
        if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return _to("mfa_activate_totp", request.get_full_path())
        if not signed_in_with_second_factor(request):
            logout(request)
            return _to("account_login", request.get_full_path())
        return None
