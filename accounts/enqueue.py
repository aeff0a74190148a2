"""Accounts' background work, enqueued after commit (core.enqueue; docs/background-work.md): the account
e-mails leave from the worker, so neither a page's answer nor its time tells whether an address has an
account."""

from typing import Any

from core import enqueue


def account_email_send(*, message: dict[str, Any]) -> None:
    """A message the adapter rendered (its subject, bodies, headers), sent by the worker."""
    enqueue.on_commit("accounts.tasks.send_account_email", message)


def password_reset_send(*, email: str, host: str, secure: bool, language: str) -> None:
    enqueue.on_commit("accounts.tasks.send_password_reset", email=email, host=host, secure=secure, language=language)


def signup_complete(*, job: dict[str, Any]) -> None:
    """The rest of a sign-up (accounts.tasks.complete_signup's keyword arguments)."""
    enqueue.on_commit("accounts.tasks.complete_signup", **job)
