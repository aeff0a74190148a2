"""Sign-up whose request does the same work for every address: a new one, one with an account,
one whose DNI another account has. It checks the form, hashes the password (the costly part of a
new account) and hands the rest to a task on commit; the answer is always "confirm your e-mail".

The task (accounts.tasks.complete_signup) makes the account and e-mails its confirmation link,
or e-mails the owner of a taken address "you already have an account". Making the account in
the request took about 13 more queries and a commit than a taken address did (12-15 ms), which
was enough to tell them apart. The link confirms the address; the customer then signs in with
the password (the account did not exist when the answer went out, so the link cannot sign in
the browser that asked)."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.utils.translation import get_language

from core.ratelimit import client_ip
from legal.forms import ACCEPT_FIELD, MARKETING_FIELD

from . import enqueue


class EnumerationSafeSignupForm(SignupForm):
    def validate_unique_email(self, value) -> str:
        return value  # the task looks the address up, after the answer

    def try_save(self, request):
        data = self.cleaned_data
        job = {
            "email": data["email"],
            "password_hash": make_password(data["password1"]),
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "phone": data.get("phone", ""),
            "dni": data.get("dni", ""),
            # Consent to the policies, when the form asked for it (none published: nothing to accept).
            "consent": {"ip": client_ip(request), "marketing": bool(data.get(MARKETING_FIELD))}
            if ACCEPT_FIELD in data
            else None,
            "host": request.get_host(),
            "secure": request.is_secure(),
            "language": get_language(),
        }
        enqueue.signup_complete(job=job)
        adapter = get_adapter(request)
        adapter.add_message(
            request,
            messages.INFO,
            "account/messages/email_confirmation_sent.txt",
            {"email": data["email"], "login": False, "signup": True},
        )
        return None, adapter.respond_email_verification_sent(request, None)
