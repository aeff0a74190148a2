"""Whole storefront pages (product, category, family, brand, search) cached for anonymous shoppers.

Anonymous shoppers all see the same page for one URL and language but for four parts: the
CSRF token of its forms, the mini-cart's count, the shopper's saved and viewed products (the
hearts' state, favourites.state) and pending messages. The page is stored with the first three
replaced by placeholders and filled in per request (a fresh masked token, the shopper's own
count and lists); a request with messages, a signed-in customer or an htmx fragment is
rendered as before. So the HTML a shopper gets is the one the view would render.

An entry carries the catalog version (catalog.listing_cache, bumped by every catalog write:
prices, discounts, scheduled prices, ratings from approved reviews, product/category/brand
edits), so such a change shows on the next request. A collection's start or end is no write
but changes what pages show (a price secret until launch, a buy button): an entry is never
served past the next such moment after its render. What else no catalog write announces
(stock) lags by at most FRESH_SECONDS (LISTING_FRESH_SECONDS on listings that show no
stock); past that one request renders the page again
while the others keep getting the entry for a few more seconds, so shoppers never queue
behind a render. A Redis that is away is a miss: the page is rendered as before."""

import functools
import hashlib
import math
import re
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.translation import get_language

from cart.context_processors import mini_cart
from catalog import listing_cache
from favourites.state import shopper_state_html

FRESH_SECONDS = 5
# Listings show no stock (cards have none, the in-stock toggle has no count) unless filtered by
# it: besides catalog writes only time-bound parts (site settings, the footer's year) lag this long.
LISTING_FRESH_SECONDS = 60
# How long past FRESH_SECONDS the entry still answers while one request renders its successor.
RENDER_GRACE_SECONDS = 10
MINI_CART_TEMPLATE = "cart/_mini_cart.html"
CSRF_PLACEHOLDER = "@@page-cache:csrf-token@@"
MINI_CART_PLACEHOLDER = "@@page-cache:mini-cart@@"
SHOPPER_STATE_PLACEHOLDER = "@@page-cache:shopper-state@@"
# The token as the page shows it: in every form and in htmx's request headers.
CSRF_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _units_in_cart(request) -> int:
    return mini_cart(request)["cart_units"]


class Entry(NamedTuple):
    """Stored as a plain tuple, so an entry written by another release still reads."""

    version: str
    stored_at: float
    html: str
    content_type: str
    vary: str
    # When a collection starts or ends next (catalog.listing_cache.next_collection_change): what
    # the page shows of launches holds until then.
    valid_until: float = math.inf


def _entry(stored) -> Entry | None:
    try:
        return Entry(*stored)
    except TypeError:  # nothing stored, or another shape
        return None


def _shared(request) -> bool:
    """Whether this request gets the page every anonymous shopper gets."""
    return (
        settings.STOREFRONT_PAGE_CACHE
        and request.method == "GET"
        and not request.htmx
        and not request.user.is_authenticated
        and not len(getattr(request, "_messages", ()))  # len() reads the messages without consuming them
    )


def _key(request) -> str:
    # The page shows its own full path (the language switch's `next`, option links) and host
    # (canonical link, JSON-LD), so those are the key as they come, not a normalised form.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"catalog:page:{get_language()}:{hashlib.sha1(address.encode()).hexdigest()}"


def _mini_cart_html(units) -> str:
    return get_template(MINI_CART_TEMPLATE).render({"cart_units": units})


def _shopper_parts(request) -> dict[str, str]:
    """{placeholder: this shopper's HTML for it}."""
    return {MINI_CART_PLACEHOLDER: _mini_cart_html(_units_in_cart(request)),
            SHOPPER_STATE_PLACEHOLDER: shopper_state_html(request)}


def _with_placeholders(request, html: str) -> str | None:
    """The page with its per-shopper parts replaced, or None when one of them cannot be found
    exactly (then the page is not shared: better a render than another shopper's header)."""
    for placeholder, part in _shopper_parts(request).items():
        if html.count(part) != 1:
            return None
        html = html.replace(part, placeholder)
    for token in {value for pair in CSRF_IN_PAGE.findall(html) for value in pair if value}:
        html = html.replace(token, CSRF_PLACEHOLDER)
    return html


def _filled(request, entry: Entry) -> HttpResponse:
    html = entry.html
    for placeholder, part in _shopper_parts(request).items():
        html = html.replace(placeholder, part)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))  # also sets the CSRF cookie if missing
    response = HttpResponse(html, content_type=entry.content_type)
    if entry.vary:
        response["Vary"] = entry.vary
    return response


def _store(request, key: str, version: str, response, fresh_seconds: int, valid_until: float) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    html = _with_placeholders(request, response.content.decode(response.charset))
    if html is not None:
        entry = Entry(version=version, stored_at=time.time(), html=html,
                      content_type=response["Content-Type"], vary=response.get("Vary", ""), valid_until=valid_until)
        cache.set(key, tuple(entry), fresh_seconds + RENDER_GRACE_SECONDS)
    cache.delete(key + ":rendering")


def _servable(key: str, entry: Entry | None, version: str | None, fresh_seconds: int) -> bool:
    if entry is None or version is None or entry.version != version:
        return False  # a catalog write since: never served
    if time.time() >= entry.valid_until:
        return False  # a collection started or ended since: a launch shows at once
    age = time.time() - entry.stored_at
    if age < fresh_seconds:
        return True
    # Stale by time only: serve it unless this request is the one that renders the next.
    return age < fresh_seconds + RENDER_GRACE_SECONDS and not cache.add(key + ":rendering", 1, RENDER_GRACE_SECONDS)


def cached_page(view=None, *, fresh_seconds: int = FRESH_SECONDS, stock_params: tuple[str, ...] = ()):
    """A storefront GET view whose anonymous page is shared as described above: fresh for
    `fresh_seconds`, or FRESH_SECONDS when the query has one of `stock_params` (the page then
    shows stock)."""
    if view is None:
        return functools.partial(cached_page, fresh_seconds=fresh_seconds, stock_params=stock_params)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _shared(request):
            return view(request, *args, **kwargs)
        fresh = FRESH_SECONDS if any(name in request.GET for name in stock_params) else fresh_seconds
        key = _key(request)
        found = cache.get_many([listing_cache.VERSION_KEY, key])
        version, entry = found.get(listing_cache.VERSION_KEY), _entry(found.get(key))
        if _servable(key, entry, version, fresh):
            return _filled(request, entry)
        version = listing_cache.version_or_new(version)  # read before rendering: a write meanwhile wins
        valid_until = listing_cache.next_collection_change()  # likewise: a launch during the render is not slept through
        response = view(request, *args, **kwargs)
        _store(request, key, version, response, fresh, valid_until)
        return response

    return wrapper


# Category, family, brand and search pages.
cached_listing = cached_page(fresh_seconds=LISTING_FRESH_SECONDS, stock_params=("in_stock",))
