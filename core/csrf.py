"""One masked CSRF token per response.

Django masks the secret anew on every get_token call (32 random draws), and a page whose parts are
rendered with a placeholder and filled in afterwards asked for a token for each part and again for
the template's {% csrf_token %}: two or more masks for one response, all equally valid. The page's
views take the token here, once, and hand the same one to the template (`lazy_token`)."""

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

_MEMO = "_masked_csrf_token"


def request_token(request) -> str:
    """The request's masked CSRF token, the same for every call until its secret changes (a sign-in
    rotates it); like get_token, the first call sets the CSRF cookie when the browser has none."""
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
