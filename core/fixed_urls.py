"""The address of a URL name that takes no arguments, reversed once per URLconf and script prefix.

Django's reverse() walks the resolver on every call (about 70 µs here), and the frame's per-request
parts (base.html) and the back office's second-factor check ask for a few such names on every
request; a name without arguments gives the same address for one URLconf and prefix. The store's
URLs are not translated, so the language is not part of the key."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=256)
def _reversed(viewname: str, urlconf: str, script_prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def reverse_fixed(viewname: str) -> str:
    """reverse(viewname), for a name without arguments."""
    return _reversed(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
