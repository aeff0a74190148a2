"""The shopper's own part of every page: which products they saved (the hearts) and viewed, and
whether the browser has a session yet, as a small JSON block that static/js/favourites.js and
store.js read. Cached pages and cards are the same for everyone; storefront's page cache fills
this block per request like the mini-cart."""

from django.utils.html import json_script

from . import shopper
from .selectors import account_saved

STATE_ID = "shopper-state"


def shopper_state_html(request) -> str:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is not None and user is not None and user.is_authenticated and shopper.FAVOURITES_KEY not in session:
        shopper.remember(session, account_saved(user))  # a session from before sign-in copied the list
    favourites = sorted(shopper.saved(session)) if session is not None else []
    recent = shopper.recent_ids(session) if session is not None else []
    # Read after the lists: loading a session whose cookie names none drops its key. store.js sends
    # a sessionless page's posts one at a time, so that their answers start one session, not several.
    has_session = session is not None and session.session_key is not None
    return json_script({"favourites": favourites, "recent": recent, "session": has_session}, STATE_ID)
