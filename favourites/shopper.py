"""What the session remembers of a shopper: their favourites (a guest's list itself; a signed-in
customer's a copy of the account's ids, written at sign-in and on every change, so no page
queries the database to fill its hearts) and the products they viewed last."""

from decimal import Decimal

FAVOURITES_KEY = "favourites"
RECENT_KEY = "recently_viewed"
RECENT_KEPT = 9  # the page showing one of them lists the other eight
RECENT_SHOWN = 8


def saved(session) -> dict[int, Decimal | None]:
    """{product id: price when saved (None: it was secret)} as the session holds them."""
    found = {}
    for product_id, price in (session.get(FAVOURITES_KEY) or {}).items():
        try:
            found[int(product_id)] = Decimal(price) if price is not None else None
        except (TypeError, ValueError, ArithmeticError):
            continue  # a session written by another release: the entry is dropped
    return found


def remember(session, favourites: dict[int, Decimal | None]) -> None:
    stored = {str(pk): (str(price) if price is not None else None) for pk, price in favourites.items()}
    if session.get(FAVOURITES_KEY) != stored:  # an unchanged session is not written again
        session[FAVOURITES_KEY] = stored


def recent_ids(session) -> list[int]:
    return [pk for pk in session.get(RECENT_KEY) or [] if isinstance(pk, int)][:RECENT_KEPT]


def record_view(session, product_id: int) -> None:
    """The product goes first; the oldest falls off past RECENT_KEPT."""
    ids = [product_id, *(pk for pk in recent_ids(session) if pk != product_id)][:RECENT_KEPT]
    if ids != session.get(RECENT_KEY):
        session[RECENT_KEY] = ids


def forget_recent(session, product_ids: set[int]) -> None:
    """Products no longer visible drop out of the list."""
    if product_ids:
        session[RECENT_KEY] = [pk for pk in recent_ids(session) if pk not in product_ids]
