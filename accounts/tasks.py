"""Account e-mails, sent by the worker: what the request answers must not depend on whether
an address has an account, and neither may how long it takes."""

from importlib import import_module
from typing import TYPE_CHECKING

from allauth.core import context as allauth_context
from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.utils import translation

from core import ratelimit

if TYPE_CHECKING:
    from .services import SignupConsent


@shared_task(
    bind=True, name="accounts.tasks.send_account_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_account_email(self, message: dict) -> None:
    """Send an account e-mail (confirm, reset, "you already have an account") rendered by the adapter.
    A confirmation or "you already have an account" to an address written to moments ago is
    dropped (ACCOUNT_MAIL_RATE_PER_ADDRESS): its earlier mail's link still works."""
    if (
        message.get("limited")
        and not self.request.retries
        and not ratelimit.consume(
            HttpRequest(),
            action="account_mail",
            rates=settings.ACCOUNT_MAIL_RATE_PER_ADDRESS,
            key=message["to"][0].lower(),
            fail_closed=False,
        )
    ):
        return
    email = EmailMultiAlternatives(
        message["subject"], message["body"], message["from_email"], message["to"], headers=message["headers"]
    )
    email.content_subtype = message["content_subtype"]
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    email.send()


class _MailRequest(HttpRequest):
    """The request a password reset or a sign-up was asked in, as far as its e-mails need it:
    host, scheme, language, an anonymous visitor. With mail_inline its mails are sent at once
    (AccountAdapter.send_mail), otherwise by a task of their own."""

    def __init__(self, *, host: str, secure: bool, mail_inline: bool = True):
        super().__init__()
        self.account_mail_inline = mail_inline
        self.method, self.path, self.path_info = "POST", "/", "/"
        self.META = {"HTTP_HOST": host, "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "443" if secure else "80"}
        self._secure = secure
        self.user = AnonymousUser()
        self.session = import_module(settings.SESSION_ENGINE).SessionStore()

    def _get_scheme(self) -> str:
        return "https" if self._secure else "http"


@shared_task(name="accounts.tasks.send_password_reset", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset(*, email: str, host: str, secure: bool, language: str) -> None:
    """allauth's own reset for `email`: a link for each account with it, or "there is no account
    with this address" (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS)."""
    from allauth.account.forms import ResetPasswordForm

    request = _MailRequest(host=host, secure=secure)
    with translation.override(language), allauth_context.request_context(request):
        form = ResetPasswordForm(data={"email": email})
        if form.is_valid():
            form.save(request)


@shared_task(name="accounts.tasks.complete_signup", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def complete_signup(
    *,
    email: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    phone: str,
    dni: str,
    consent: "SignupConsent | None",
    host: str,
    secure: bool,
    language: str,
) -> None:
    """The rest of a sign-up (accounts.signup), after its answer: the new account and its
    confirmation link, or "you already have an account" to the owner of a taken address."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    from .services import user_signup_complete

    # The mail leaves by its own task (own retries): were it sent here, a retry after an SMTP
    # failure would find the account made and tell its new owner "you already have an account".
    request = _MailRequest(host=host, secure=secure, mail_inline=False)
    with translation.override(language), allauth_context.request_context(request):
        user = user_signup_complete(
            email=email,
            password_hash=password_hash,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            dni=dni,
            consent=consent,
        )
        if user is None:
            get_adapter().send_account_already_exists_mail(email)
        else:
            EmailAddress.objects.get_primary(user).send_confirmation(request, signup=True)
