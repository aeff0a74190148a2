"""One-time form keys, against double submits.

The page that shows a form hands out a fresh key with it (a hidden field) and remembers it in the
session. A POST is accepted only with a key this session was given, and the service the form
calls takes the key as its idempotency key: a double click or a refresh submits the same key and
gets the first result back instead of a second write. A session remembers its last few keys, so a
form open in another tab still submits.
"""

import re
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from .sessions import session_remember, session_remembers

REMEMBERED = 10
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
EXPIRED = _("This form has expired. Open it again.")


def _session_key(form: str) -> str:
    return f"{form}:form_keys"


def form_key_issue(request, *, form: str) -> str:
    """A new key for one showing of `form` (a name such as "returns"), remembered in the session."""
    key = secrets.token_hex(16)
    session_remember(request, _session_key(form), key, keep=REMEMBERED)
    return key


def form_key_valid(request, *, form: str, key: str) -> bool:
    """Whether this session was handed `key` with `form` (among its last REMEMBERED keys)."""
    return session_remembers(request, _session_key(form), key)


class FormKeyField(forms.CharField):
    """The hidden field that carries the key; anything not shaped like one is refused as expired."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value):
        key = super().clean(value)
        if not KEY_PATTERN.match(key):
            raise forms.ValidationError(EXPIRED, code="expired")
        return key
