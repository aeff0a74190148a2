"""The shop's allauth adapter: sign-in throttling per account and address, and account e-mails
sent by the worker after the request."""

import copy

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from core.ratelimit import client_ip
from core.site_settings import site_setting
from core.sites import site_url

from . import enqueue

# The e-mails a sign-up (or a re-sent confirmation) writes: at most so many per address, decided by
# the worker (settings.ACCOUNT_MAIL_RATE_PER_ADDRESS) so that the request's answer never shows it.
LIMITED_PER_ADDRESS = frozenset(
    {
        "account/email/email_confirmation_signup",
        "account/email/email_confirmation",
        "account/email/account_already_exists",
    }
)


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed sign-ins per account ("5/5m/key") globally, so anyone typing five
        # wrong passwords locked the owner out from everywhere. Keyed by account *and* client
        # address, a guesser is throttled where they guess from (and per address by the "ip"
        # rate) while the owner still signs in from home.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{client_ip(request)}"

    def render_mail(self, template_prefix: str, email, context: dict, headers: dict | None = None):
        """allauth's rendering, named and signed as every other e-mail: the store's name from its
        site setting (staff change it in the back office) and its address from SITE_DOMAIN (the
        sites row keeps what the last `migrate` saw)."""
        site = copy.copy(context.get("current_site") or get_current_site(allauth_context.request))
        site.name = str(site_setting("STORE_NAME"))
        return super().render_mail(
            template_prefix, email, {**context, "current_site": site, "store_url": site_url("/")}, headers
        )

    def format_email_subject(self, subject) -> str:
        return f"[{site_setting('STORE_NAME')}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message now (its links need the request) and hand the sending to a task on
        commit: an SMTP round trip in the request would tell, by its time, a known address
        ("reset your password", "confirm your e-mail") from an unknown one."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "headers": dict(message.extra_headers),
            "content_subtype": message.content_subtype,
            "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
            "limited": template_prefix in LIMITED_PER_ADDRESS,
        }
        if getattr(request, "account_mail_inline", False):  # already in the worker (accounts.tasks)
            from .tasks import send_account_email  # its body, run here: no task of its own

            send_account_email(payload)
        else:
            enqueue.account_email_send(message=payload)
