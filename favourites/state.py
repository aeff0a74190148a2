"""The shopper's own part of every page: which products they saved (the hearts) and viewed,
as a small JSON block that static/js/favourites.js reads. Cached pages and cards are the same
for everyone; storefront's page cache fills this block per request like the mini-cart."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import shopper
from .selectors import account_saved

STATE_ID = "shopper-state"
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def shopper_state_html(request) -> str:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is not None and user is not None and user.is_authenticated and shopper.FAVOURITES_KEY not in session:
        shopper.remember(session, account_saved(user))  # a session from before sign-in copied the list
    data = {"favourites": sorted(shopper.saved(session)) if session is not None else [],
            "recent": shopper.recent_ids(session) if session is not None else []}
    payload = json.dumps(data, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/json" id="{}">{}</script>', STATE_ID, mark_safe(payload))
