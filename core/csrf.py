"""One masked CSRF token per response.

Django masks the secret anew on every get_token call (32 random draws), and a page whose parts are
rendered with a placeholder and filled in afterwards asked for a token for each part and again for
the template's {% csrf_token %}: two or more masks for one response, all equally valid. Views take
the token here, once, and every template gets the same one (`lazy_token`, through
core.context_processors.csrf in place of Django's own processor).

A first visit (no cookie at all) to a storefront page may get a page with no token and no cookie
(storefront.page_cache): while it renders, the token is `PLACEHOLDER` (`token_withheld`), and only
if the page cannot go out so is a secret made for it, afterwards, and the placeholder filled."""

import contextlib

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

PLACEHOLDER = "@@page-cache:csrf-token@@"
_MEMO = "_masked_csrf_token"
_WITHHELD = "_csrf_token_withheld"


def request_token(request) -> str:
    """The request's masked CSRF token, the same for every call until its secret changes (a sign-in
    rotates it); like get_token, the first call sets the CSRF cookie when the browser has none.
    PLACEHOLDER while the token is withheld."""
    if request.__dict__.get(_WITHHELD):
        return PLACEHOLDER
    memo = request.__dict__.get(_MEMO)
    if memo is not None and memo[0] == request.META.get("CSRF_COOKIE"):
        return memo[1]
    token = get_token(request)
    request.__dict__[_MEMO] = (request.META.get("CSRF_COOKIE"), token)
    return token


def lazy_token(request) -> SimpleLazyObject:
    """request_token for a template's context (its `csrf_token`, which then overrides the context
    processor's own): asked for only if the template shows a form, as Django's is."""
    return SimpleLazyObject(lambda: request_token(request))


@contextlib.contextmanager
def token_withheld(request):
    """request_token gives PLACEHOLDER inside: no secret is made, no cookie set."""
    request.__dict__[_WITHHELD] = True
    try:
        yield
    finally:
        del request.__dict__[_WITHHELD]


def token_made(request) -> bool:
    """Whether anything asked Django for a token (get_token: the response then sets the CSRF cookie)."""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
