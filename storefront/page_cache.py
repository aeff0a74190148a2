"""Whole storefront pages (home, product, category, family, brand, search) cached for every shopper.

Shoppers all see the same page for one URL and language but for its personal parts: the CSRF
token of its forms, the mini-cart's count, the shopper's saved and viewed products (the hearts'
state, favourites.state), the header's and footer's account links (a signed-in shopper's
name and menu), the e-mail the "Avísame" form suggests, a product page's reviews section (the
shopper's own review, their "helpful" votes) and pending messages. The page is stored with the
personal parts replaced by placeholders and filled in per request (a fresh masked token, the
shopper's own count, lists, menu and reviews); a request with messages or an htmx fragment is
rendered as before. So the HTML a shopper gets is the one the view would render for them. A
first visit (no cookie at all) gets the page every first visitor gets, with no token and no
cookie, marked public for a few seconds so a CDN may keep it (_shared_response), and so does its
render on a miss (_as_first_visit_page). Parts
a template marks (<!--page-part:NAME-->...<!--/page-part:NAME-->) are filled by name: the
account links from their templates on every request, a view's own parts (PagePart) from the
anonymous version kept in the entry or, for a signed-in shopper, rendered for them.

An entry carries the catalog's versions (catalog.catalog_version: a listing's the listings' token,
renewed by every catalog write; a product page's the product pages' token and the marks of the
products it shows, so a write to one product ends only the pages that show it), so a change of
prices, discounts, scheduled prices, ratings from approved reviews, product/category/brand edits
shows on the next request. A collection's start or end is no write
but changes what pages show (a price secret until launch, a buy button): an entry is never
served past the next such moment after its render. What else no catalog write announces
(stock) lags by at most FRESH_SECONDS (LISTING_FRESH_SECONDS on listings that show no
stock); past that one request renders the page again
while the others keep getting the entry for a few more seconds, so shoppers never queue
behind a render. A product page keeps the stock figures it shows (inventory.shown_stock) and is
served past FRESH_SECONDS, up to STOCK_CHECKED_SECONDS, while they are still what the shown stock
answers. A Redis that is away is a miss: the page is rendered as before."""

import functools
import gzip
import hashlib
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import get_language

from accounts.user_cache import session_user_id
from cart.context_processors import mini_cart
from catalog import catalog_version, listing_cache
from core import csrf, request_reads
from core.csrf import request_token
from core.process_memo import ProcessMemo
from core.site_settings import site_setting
from favourites.state import shopper_state_html
from inventory import shown_stock

FRESH_SECONDS = 5
# Listings show no stock (cards have none, the in-stock toggle has no count) unless filtered by
# it: besides catalog writes only time-bound parts (site settings, the footer's year) lag this long.
LISTING_FRESH_SECONDS = 60
# How long past FRESH_SECONDS the entry still answers while one request renders its successor.
RENDER_GRACE_SECONDS = 10
# A product page past FRESH_SECONDS is still served, up to this age, while every stock figure it shows is
# what inventory.shown_stock answers now (one cache round trip instead of a render): at a sale most pages'
# stock does not move, and rendering them again every few seconds was most of what product pages cost.
# What else no write announces (site settings, a quantity offer's terms) lags this long, as on listings.
STOCK_CHECKED_SECONDS = LISTING_FRESH_SECONDS
# How long a shared cache (a CDN) may keep the page a first visitor gets: a catalog write shows at
# the edge this much later than here, like stock does here.
SHARED_SECONDS = FRESH_SECONDS
MINI_CART_TEMPLATE = "cart/_mini_cart.html"
FAVOURITES_LINK_TEMPLATE = "favourites/_header_link.html"
CSRF_PLACEHOLDER = csrf.PLACEHOLDER
MINI_CART_PLACEHOLDER = "@@page-cache:mini-cart@@"
SHOPPER_STATE_PLACEHOLDER = "@@page-cache:shopper-state@@"
EMAIL_PLACEHOLDER = "@@page-cache:shopper-email@@"
# The token as the page shows it: in every form and in htmx's request headers.
CSRF_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
# The e-mail the "Avísame" form suggests (a signed-in shopper's own: alerts.templatetags).
EMAIL_IN_PAGE = re.compile(r'(id="stock-alert-email" type="email" name="email" value=")([^"]*)(")')
PART_IN_PAGE = re.compile(r"<!--page-part:([a-z-]+)-->(.*?)<!--/page-part:\1-->", re.S)
# The parts every page has, rendered for each request from their own template (no query: the
# request's user is loaded by then).
ACCOUNT_PARTS = {"account-menu": "includes/_account_menu.html", "footer-account": "includes/_footer_account.html"}


class PagePart(NamedTuple):
    """A part of one view's page that depends on the shopper: `render(request, user, cached=None,
    anonymous="", **view_kwargs)` gives its HTML for `user` (the anonymous one is kept in the entry,
    and handed to it on a hit), or None when it cannot (then the page is rendered).
    `cache_keys(request, user_id, **view_kwargs)` names the cache entries it reads for a signed-in
    shopper (from the id the session names, before the user is read): a hit reads them with the page
    and the user in one round trip and hands what it found to `render` as `cached` (a key missing
    from it is a miss)."""

    name: str
    render: Callable[..., str | None]
    cache_keys: Callable[..., list[str]] | None = None


def shared_part_key(name: str, variant: str) -> str:
    return f"catalog:page-part:{name}:{get_language()}:{hashlib.sha1(variant.encode()).hexdigest()}"


def shared_signed_in_part(
    name: str, variant: str, render: Callable[[], str | None], cached: dict | None = None
) -> str | None:
    """A view's part that every signed-in shopper in the same situation sees alike (a product's
    reviews to someone who wrote none and voted on none of them): kept under the catalog version
    for FRESH_SECONDS, like a page, so one shopper renders it for the others. `variant` names
    what else it depends on (the page's address); `cached` is what a hit read already (the part's
    cache_keys: shared_part_key and the catalog version)."""
    key = shared_part_key(name, variant)
    found = cached if cached is not None else cache.get_many([listing_cache.VERSION_KEY, key])
    version, stored = found.get(listing_cache.VERSION_KEY), found.get(key)
    # (version, html, until): its freshness read in this process' clock, as a page's (an entry of
    # an earlier release, a pair, is a miss).
    if (
        version is not None
        and isinstance(stored, tuple)
        and len(stored) == 3
        and stored[0] == version
        and time.time() < stored[2]
    ):
        return stored[1]
    # The listings' token lapses an hour after the last catalog write (and with a flush): a new one,
    # as a listing's entry takes, or every request would render the part with its queries.
    version = listing_cache.version_or_new(version)
    html = render()
    if html is not None:
        cache.set(key, (version, html, time.time() + FRESH_SECONDS), FRESH_SECONDS)
    return html


def _part_placeholder(name: str) -> str:
    return f"@@page-cache:part:{name}@@"


def _marked(name: str, html: str) -> str:
    return f"<!--page-part:{name}-->{html}<!--/page-part:{name}-->"


def _units_in_cart(request) -> int:
    return mini_cart(request)["cart_units"]


class Entry(NamedTuple):
    """Stored as a plain tuple, so an entry written by another release still reads."""

    # The listings' token it was rendered under, or a product page's reading (catalog.catalog_version).
    version: str | tuple
    stored_at: float
    html: str
    content_type: str
    vary: str
    # When a collection starts or ends next (catalog.listing_cache.next_collection_change): what
    # the page shows of launches holds until then.
    valid_until: float = math.inf
    # The view's own parts as an anonymous shopper sees them: ((name, html), ...).
    anonymous_parts: tuple = ()
    # The store's name when the page was rendered (a site setting: a change bumps the version), for
    # the account menu; "" in entries of an older release.
    store_name: str = ""
    # The stock figures the page shows, ((variant id, units), ...), when it is kept while they hold.
    stock: tuple = ()


def _entry(stored) -> Entry | None:
    try:
        return Entry(*stored)
    except TypeError:  # nothing stored, or another shape
        return None


def _shared(request) -> bool:
    """Whether this request gets the shared page, filled with its own parts."""
    return (
        settings.STOREFRONT_PAGE_CACHE
        and request.method == "GET"
        and not request.htmx
        and not len(getattr(request, "_messages", ()))  # len() reads the messages without consuming them
    )


def _key(request) -> str:
    # The page shows its own full path (the language switch's `next`, option links) and host
    # (canonical link, JSON-LD), so those are the key as they come, not a normalised form.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"catalog:page:{get_language()}:{hashlib.sha1(address.encode()).hexdigest()}"


# Rendered per-shopper parts, per process: the same few inputs (a language, a cart's unit count, a
# shopper's name) recur on every hit, and a template render costs more than the rest of a hit.
_RENDERED_PARTS: OrderedDict[Hashable, str] = OrderedDict()
RENDERED_PARTS_KEPT = 512


def _rendered_part(template: str, inputs: tuple, context: dict) -> str:
    """`template` rendered with `context`, remembered by `inputs`: everything the template reads
    from the context, as values (so a shopper renamed is another key, never a stale menu)."""
    key = (template, get_language(), inputs)
    html = _RENDERED_PARTS.get(key)
    if html is None:
        html = get_template(template).render(context)
        _RENDERED_PARTS[key] = html
        if len(_RENDERED_PARTS) > RENDERED_PARTS_KEPT:
            _RENDERED_PARTS.popitem(last=False)
    return html


def _mini_cart_html(units) -> str:
    return _rendered_part(MINI_CART_TEMPLATE, (units,), {"cart_units": units})


def _shopper_parts(request) -> dict[str, str]:
    """{placeholder: this shopper's HTML for it}."""
    return {
        MINI_CART_PLACEHOLDER: _mini_cart_html(_units_in_cart(request)),
        SHOPPER_STATE_PLACEHOLDER: shopper_state_html(request),
    }


def _account_part(request, name: str, store_name: str) -> str:
    """This shopper's HTML of the header's or footer's account links (ACCOUNT_PARTS), with the CSRF
    placeholder; each template marks its own part."""
    user = request.user
    # What the templates read of the shopper (includes/_account_menu.html, _footer_account.html).
    shown = (user.get_short_name(), user.get_full_name(), user.email, user.is_staff) if user.is_authenticated else None
    context = {"user": user, "csrf_token": CSRF_PLACEHOLDER, "STORE_NAME": store_name}
    return _rendered_part(ACCOUNT_PARTS[name], (shown, store_name), context)


def _account_parts(request, store_name: str) -> dict[str, str]:
    """{placeholder: this shopper's HTML} of the header's and footer's account links."""
    return {_part_placeholder(name): _account_part(request, name, store_name) for name in ACCOUNT_PARTS}


def signed_in_header_html(request, *, store_name: str, cart_units) -> str:
    """The header's links of a signed-in shopper as base.html lays them out (their menu, the
    favourites link, the mini cart), with the CSRF placeholder: the parts this module renders
    for a hit, so a rendered page and a filled one show the same."""
    return (
        _account_part(request, "account-menu", store_name)
        + _rendered_part(FAVOURITES_LINK_TEMPLATE, (), {})
        + _mini_cart_html(cart_units)
    )


def _without_tokens(html: str) -> str:
    for token in {value for pair in CSRF_IN_PAGE.findall(html) for value in pair if value}:
        html = html.replace(token, CSRF_PLACEHOLDER)
    return html


def _with_placeholders(request, html: str, parts: dict[str, PagePart], view_kwargs: dict) -> tuple[str, tuple] | None:
    """The page with its per-shopper parts replaced and the anonymous HTML of the view's parts, or
    None when one of them cannot be found exactly or is not known (then the page is not shared:
    better a render than another shopper's header)."""
    for placeholder, part in _shopper_parts(request).items():
        if html.count(part) != 1:
            return None
        html = html.replace(part, placeholder)
    anonymous_parts = []
    for match in list(PART_IN_PAGE.finditer(html)):
        name, content = match.group(1), match.group(2)
        if name in ACCOUNT_PARTS:
            pass
        elif name in parts:
            if request.user.is_authenticated:  # kept as an anonymous shopper gets it
                content = parts[name].render(request, AnonymousUser(), **view_kwargs)
                if content is None:
                    return None
            anonymous_parts.append((name, _without_tokens(content)))
        else:
            return None  # a part the view does not know how to fill
        if html.count(match.group(0)) != 1:
            return None
        html = html.replace(match.group(0), _part_placeholder(name))
    html = EMAIL_IN_PAGE.sub(rf"\g<1>{EMAIL_PLACEHOLDER}\g<3>", html)
    return _without_tokens(html), tuple(anonymous_parts)


def _filled(
    request, key: str, entry: Entry, parts: dict[str, PagePart], view_kwargs: dict, cached: dict
) -> HttpResponse | None:
    """The shopper's page from the entry stored under `key`, or None when one of its parts cannot be
    made for them. `cached`: what the hit read with the entry, the parts' cache_keys among it."""
    if _first_visit(request):
        return _shared_response(request, _first_visit_page(request, key, entry), entry)
    html = _filled_html(request, entry, parts, view_kwargs, cached)
    if html is None:
        return None
    etag = _etag(request, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, request_token(request))  # also sets the CSRF cookie if missing
    response = HttpResponse(html, content_type=entry.content_type)
    if entry.vary:
        response["Vary"] = entry.vary
    # The page is this shopper's (their cart, their name): a browser may keep it, a shared proxy
    # may not, and it asks again each time; an unchanged page is a 304 (ConditionalGetMiddleware).
    response["Cache-Control"] = "private, no-cache"
    if etag:
        response["ETag"] = etag
    return response


def _filled_html(request, entry: Entry, parts: dict[str, PagePart], view_kwargs: dict, cached: dict) -> str | None:
    html = entry.html
    for placeholder, part in _shopper_parts(request).items():
        html = html.replace(placeholder, part)
    for placeholder, part in _account_parts(request, entry.store_name or site_setting("STORE_NAME")).items():
        html = html.replace(placeholder, part)
    for name, anonymous in entry.anonymous_parts:
        if request.user.is_authenticated:
            if (
                name not in parts
                or (
                    content := parts[name].render(
                        request, request.user, cached=cached, anonymous=anonymous, **view_kwargs
                    )
                )
                is None
            ):
                return None
        else:
            content = anonymous
        html = html.replace(_part_placeholder(name), _marked(name, content))
    email = request.user.email if request.user.is_authenticated else ""
    return html.replace(EMAIL_PLACEHOLDER, escape(email))


def _first_visit(request) -> bool:
    """A request with no cookie at all (a new browser, a crawler, a CDN asking for a visitor): it
    has no cart, no session and no language choice, so it gets the page every such request gets."""
    return not request.COOKIES


class SharedPage:
    """The page every first visitor gets from one entry: its bytes, their digest (the ETag) and,
    once a browser that takes gzip asked, the bytes gzipped."""

    __slots__ = ("body", "digest", "gzipped")

    def __init__(self, body: bytes):
        self.body = body
        self.digest = hashlib.sha1(body).hexdigest()
        self.gzipped: bytes | None = None


# Per process, by the entry it is made from: a first visit's page is the entry filled for a shopper with
# no cookie (no cart, no session, no name; the language is in the entry's key), the same for all of them,
# so a hit makes it once per entry instead of filling, hashing and compressing 60 KB for each visitor.
# An entry is told by its key, when it was stored and its length; the store's name comes from the
# entry, or from the site settings for an entry of an older release.
_FIRST_VISIT_PAGES = ProcessMemo(size=128)


def _first_visit_page(request, key: str, entry: Entry) -> SharedPage:
    store_name = entry.store_name or site_setting("STORE_NAME")
    made_from = (key, entry.stored_at, len(entry.html), store_name)
    page = _FIRST_VISIT_PAGES.get(made_from)
    if page is None:
        html = _filled_html(request, entry, {}, {}, {})
        assert html is not None  # only a signed-in shopper's parts can be missing
        page = SharedPage(html.replace(CSRF_PLACEHOLDER, "").encode())
        _FIRST_VISIT_PAGES.put(made_from, page)
    return page


def _shared_response(request, page: SharedPage, entry: Entry) -> HttpResponse:
    """The page as every first visitor gets it, which a shared cache (a CDN) may keep for
    SHARED_SECONDS: no CSRF token in it and no cookie set (static/js/store.js fetches a token from
    core.views.csrf_token before the first form or htmx request goes out), one validator for all.
    `Vary: Cookie` (core.language) keeps it from anyone who has a cookie.

    For a browser that takes gzip it is compressed once per process, not for each visitor (half of
    such a hit's CPU): it holds no secret, so it needs none of GZipMiddleware's padding against BREACH,
    which then leaves it as it is."""
    body = page.body
    gzipped = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if gzipped:
        if page.gzipped is None:
            page.gzipped = gzip.compress(body, mtime=0)
        body = page.gzipped
    response = HttpResponse(body, content_type=entry.content_type)
    if entry.vary:
        response["Vary"] = entry.vary
    response["Cache-Control"] = f"public, max-age=0, s-maxage={SHARED_SECONDS}"
    response["ETag"] = f'"{page.digest}"'
    if gzipped:
        patch_vary_headers(response, ("Accept-Encoding",))
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        response["ETag"] = f'W/"{page.digest}"'  # as GZipMiddleware marks what it compresses
    return response


def _as_first_visit_page(request, response: HttpResponse) -> HttpResponse:
    """A first visit's page as served: a hit's is already every first visitor's page. A render (the
    entry missed, or the page cache is off) was made with the CSRF token withheld; it goes out the
    same way (no token, no cookie, public for SHARED_SECONDS) unless something in it is this browser's
    own: a cookie, a session or a message written, a token Django made. Then it gets a token as any
    other render does. A first visitor's render so costs no secret, no mask and no signed device id."""
    if response.streaming or "public" in response.get("Cache-Control", ""):
        return response
    placeholder = CSRF_PLACEHOLDER.encode()  # replaced in the bytes: decoding 60 KB of UTF-8 costs more
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    if (
        response.status_code != 200
        or response.cookies
        or csrf.token_made(request)
        or (session is not None and session.modified)
        or (messages is not None and messages.added_new)
    ):
        if placeholder in response.content:
            response.content = response.content.replace(placeholder, request_token(request).encode())
        return response
    response.content = response.content.replace(placeholder, b"")
    response["Cache-Control"] = f"public, max-age=0, s-maxage={SHARED_SECONDS}"
    # The validator a hit's page gets (SharedPage): the same bytes, the same ETag, so a CDN revalidates
    # across the entry's renders.
    response["ETag"] = f'"{hashlib.sha1(response.content).hexdigest()}"'
    return response


def _etag(request, html: str) -> str:
    """The page's validator before its CSRF tokens are masked (each response masks them anew): with
    the same CSRF secret the copy a browser kept still posts, so the same page is "not modified".
    None without a CSRF cookie, where this response may start a new secret."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not secret:
        return ""
    return '"' + hashlib.sha1(f"{secret}|{html}".encode()).hexdigest() + '"'


def _store(
    request,
    key: str,
    version: str | tuple,
    response,
    kept_seconds: int,
    valid_until: float,
    parts: dict[str, PagePart],
    view_kwargs: dict,
    stock: tuple,
) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    shared = _with_placeholders(request, response.content.decode(response.charset), parts, view_kwargs)
    if shared is not None:
        html, anonymous_parts = shared
        entry = Entry(
            version=version,
            stored_at=time.time(),
            html=html,
            content_type=response["Content-Type"],
            vary=response.get("Vary", ""),
            valid_until=valid_until,
            anonymous_parts=anonymous_parts,
            store_name=site_setting("STORE_NAME"),
            stock=stock,
        )
        cache.set(key, tuple(entry), kept_seconds + RENDER_GRACE_SECONDS)
    cache.delete(key + ":rendering")


# The marks a product page's entry was stored under, by its key, as this process last saw them: a hit
# reads them with the entry in one round trip.
_MARKS_SEEN = ProcessMemo(4096)


def _see_marks(key: str, reading: catalog_version.Reading) -> None:
    marks = sorted(reading.marks)
    if _MARKS_SEEN.get(key) != marks:
        _MARKS_SEEN.put(key, marks)


def _holds(key: str, entry: Entry, version: str, per_product: bool, found: dict) -> bool:
    if not per_product:
        return entry.version == version
    reading = catalog_version.as_reading(entry.version)
    if reading is not None:
        _see_marks(key, reading)
    return catalog_version.holds(reading, token=version, found=found)


def _stock_holds(stock: tuple) -> bool:
    """Whether every figure a page shows is still what the shown stock answers."""
    shown = dict(stock)
    return shown_stock.available_shown(shown) == shown


def _servable(
    key: str, entry: Entry | None, version: str | None, fresh_seconds: int, per_product: bool, found: dict
) -> bool:
    if entry is None or version is None or not _holds(key, entry, version, per_product, found):
        return False  # a catalog write since: never served
    if time.time() >= entry.valid_until:
        return False  # a collection started or ended since: a launch shows at once
    age = time.time() - entry.stored_at
    if age < fresh_seconds:
        return True
    if entry.stock and age < STOCK_CHECKED_SECONDS and _stock_holds(entry.stock):
        return True  # old, but what it shows of stock is still true
    # Stale by time only: serve it unless this request is the one that renders the next.
    return age < fresh_seconds + RENDER_GRACE_SECONDS and not cache.add(key + ":rendering", 1, RENDER_GRACE_SECONDS)


def cached_page(
    view=None,
    *,
    fresh_seconds: int = FRESH_SECONDS,
    stock_params: tuple[str, ...] = (),
    scheduled_change: Callable[[], datetime | None] | None = None,
    parts: tuple[PagePart, ...] = (),
    per_product: bool = False,
    stock_checked: bool = False,
):
    """A storefront GET view whose page is shared as described above: fresh for `fresh_seconds`,
    or FRESH_SECONDS when the query has one of `stock_params` (the page then shows stock).
    `stock_checked`: past that, up to STOCK_CHECKED_SECONDS, while the stock figures it shows hold.
    `scheduled_change` names the next moment something the page shows starts or ends without a
    write (the home page's banners): the entry is not served past it. `parts` are the view's
    own personal parts. `per_product`: a product page (or a category's listing, the home page), kept under the
    product pages' token and the marks of what it shows (catalog.catalog_version: the readings
    of the entries it is rendered from) instead of the listings' token."""
    if view is None:
        return functools.partial(
            cached_page,
            fresh_seconds=fresh_seconds,
            stock_params=stock_params,
            scheduled_change=scheduled_change,
            parts=parts,
            per_product=per_product,
            stock_checked=stock_checked,
        )
    version_key = catalog_version.PRODUCT_PAGES_KEY if per_product else listing_cache.VERSION_KEY
    parts_by_name = {part.name: part for part in parts}

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (_first_visit(request) and request.method == "GET" and not request.htmx):
            return served(request, *args, **kwargs)
        with csrf.token_withheld(request):
            response = served(request, *args, **kwargs)
        return _as_first_visit_page(request, response)

    def served(request, *args, **kwargs):
        if not _shared(request):
            return view(request, *args, **kwargs)
        fresh = FRESH_SECONDS if any(name in request.GET for name in stock_params) else fresh_seconds
        key = _key(request)
        keys = [version_key, key]
        if per_product:
            # The listings' token too: a signed-in shopper's reviews part is kept under it
            # (shared_signed_in_part); and the marks the entry was last seen under.
            keys += [listing_cache.VERSION_KEY, *_MARKS_SEEN.get(key, ())]
        # A signed-in shopper's parts' keys, named from the session: read with the page, and with the user and
        # the cart the session named (core.session_store.read_with_session).
        if (user_id := session_user_id(request)) is not None:
            keys += [
                part_key
                for part in parts
                if part.cache_keys
                for part_key in part.cache_keys(request, user_id, **kwargs)
            ]
        # A key the cache does not have was read too: a product's mark gone (lapsed, or never written
        # since the cache was emptied) reads as never written, not again in a round trip of its own.
        found = request_reads.take(keys)
        version, entry = found.get(version_key), _entry(found.get(key))
        if _servable(key, entry, version, fresh, per_product, found):
            filled = _filled(request, key, entry, parts_by_name, kwargs, found)
            if filled is not None:
                return filled
        # Read before rendering: a write meanwhile wins.
        if per_product:
            token, number = catalog_version.reading_start()
        else:
            version = listing_cache.version_or_new(version)
        valid_until = (
            listing_cache.next_collection_change()
        )  # likewise: a launch during the render is not slept through
        if scheduled_change is not None and (moment := scheduled_change()) is not None:
            valid_until = min(valid_until, moment.timestamp())
        with catalog_version.noting() as readings, shown_stock.noting() as shown:
            response = view(request, *args, **kwargs)
        if per_product:
            reading = catalog_version.combined(token, number, readings)
            _see_marks(key, reading)
            stored_version: str | tuple = tuple(reading)
        else:
            stored_version = version
        # A variant read twice with two figures (a sale during the render) leaves the page only fresh.
        stock = tuple(sorted(shown.items())) if stock_checked and None not in shown.values() else ()
        kept = max(fresh, STOCK_CHECKED_SECONDS) if stock else fresh
        _store(request, key, stored_version, response, kept, valid_until, parts_by_name, kwargs, stock)
        return response

    return wrapper


# Search pages.
cached_listing = cached_page(fresh_seconds=LISTING_FRESH_SECONDS, stock_params=("in_stock",))
# Category, family and brand pages: kept like a product page, under the product pages' token and the
# marks their content and counts were read under (their categories' contents, their brand's:
# catalog.catalog_version).
cached_category_listing = cached_page(fresh_seconds=LISTING_FRESH_SECONDS, stock_params=("in_stock",), per_product=True)
# The home page shows cards (no stock) and the carousel, whose slides start and end on their own: kept
# under its rows' products' marks and the home mark (catalog.catalog_version.HOME_MARK).
cached_home = cached_page(
    fresh_seconds=LISTING_FRESH_SECONDS, scheduled_change=listing_cache.next_banner_change, per_product=True
)
