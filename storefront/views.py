"""The shopper's pages: the home page and the catalog's pages (families, categories, brands,
search, products, product lines, kits, collections). They compose the apps below: catalog's
selectors, the stock inventory reports (through catalog.ports), the product's reviews,
and the whole-page cache with the shopper's own cart count."""

import hashlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.backends.django import Template as BackendTemplate
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.user_cache import session_user_id
from cart.selectors import kit_priced, product_offer
from cart.services import parse_kit_choices
from catalog import catalog_version, category_counts, listing_cache, selectors
from catalog.catalog_version import Reading
from catalog.listing import ListingParams, build_listing
from catalog.search import ECHOED_QUERY_LENGTH, MAX_MATCHES, MAX_QUERY_LENGTH, search_products, suggest
from catalog.templatetags.catalog_tags import json_ld
from catalog.tree import catalog_tree
from core import request_reads
from core.contact import whatsapp_url
from core.csrf import request_token
from core.db_router import replica_reads
from core.site_settings import site_setting
from core.templatetags.dates import iso_datetime
from inventory import shown_stock
from reviews.selectors import line_top_reviews, own_reviews_key, product_reviews, shopper_has_reviews_or_votes
from shipping.estimates import CACHE_KEY as RATES_KEY
from shipping.estimates import place_key, rates_read, shipping_place

from .page_cache import (
    CSRF_PLACEHOLDER,
    FRESH_SECONDS,
    LISTING_FRESH_SECONDS,
    PagePart,
    cached_category_listing,
    cached_home,
    cached_listing,
    cached_page,
    shared_part_key,
    shared_signed_in_part,
)

# Per process, by everything they show (the layout's {% cache %} fragments' cache).
fragments = caches["fragments"]
# The parcel the guests' delivery promise is for (catalog/_delivery_promise.html).
PROMISE_FIGURES = re.compile(r'data-weight-kg="([0-9.]+)" data-unit-price="([0-9.]+)"')


def _catalog_content(
    request,
    name: str,
    render_parts: Callable[[], dict],
    *,
    fresh_seconds: int,
    until: Callable[[], datetime | None] | None = None,
    built_from: list[Reading] | None = None,
    marks: list[str] | None = None,
    shown: Callable[[], str] | None = None,
    unnamed: Callable[[], dict] | None = None,
) -> dict:
    """What a page shows of the catalog alone (HTML and the few values its head needs), rendered
    once for every shopper and language: kept under the catalog version like the facet counts
    (a product page's: while the products it shows are unchanged, `built_from` its catalog data's
    readings), until a collection starts or ends or `until`, and for `fresh_seconds` at most (what
    no write announces: stock, the clock); a category's listing while none of `marks` (its
    categories' contents) is written, the home page while its mark and its rows' products are not. The page around it (header, the shopper's parts, CSRF)
    is rendered per request, so a shopper with a message or an htmx request gets it too.

    `shown` names all the content is rendered from: when the entry is made again after a write that
    changed none of it (a product saved as it was, or a price the content does not show), this
    process' copy of the entry it replaces is served again if it was rendered for the same name, no
    older than `fresh_seconds` counted from that render. `unnamed` renders the parts `shown` does not
    name (a product's reviews), each time."""
    scope, filters = _content_key(request, name)
    kept: list[dict] = []  # the copy rendered for the same name, when there is one
    shown_now = None

    def bound() -> datetime:
        # Asked before rendering, only when the entry is made again: the copy it replaces is judged here.
        nonlocal shown_now
        moment = timezone.now() + timedelta(seconds=fresh_seconds)
        if shown is not None:
            shown_now = shown()
            copy = listing_cache.value_kept(scope, filters)
            name_then, rendered_at = copy.get(SHOWN, (None, 0)) if isinstance(copy, dict) else (None, 0)
            if name_then == shown_now and time.time() < rendered_at + fresh_seconds:
                kept.append(copy)
                moment = min(moment, datetime.fromtimestamp(rendered_at + fresh_seconds, tz=UTC))
        return min(moment, until() or moment) if until is not None else moment

    def render() -> dict:
        if kept:
            content = kept[0]
        else:
            started = time.time()
            content = render_parts()
            if shown_now is not None:
                content = {**content, SHOWN: (shown_now, started)}
        return {**content, **unnamed()} if unnamed is not None else content

    if built_from is not None or marks is not None:
        content = listing_cache.get_or_compute_for_product(
            scope, filters, render, marks=lambda _content: marks or (), built_from=built_from or (), until=bound
        )
    else:
        content = listing_cache.get_or_compute(
            scope, filters, render, until_collection_change=True, until=bound, in_process=True
        )
    # A form in it carries a placeholder (_shared_html): each shopper's page gets their own token.
    return {
        key: mark_safe(value.replace(CSRF_PLACEHOLDER, request_token(request)))
        if isinstance(value, str) and CSRF_PLACEHOLDER in value
        else value
        for key, value in content.items()
    }


# In a content kept with `shown`: (the name it was rendered for, when).
SHOWN = "shown"


def _content_key(request, name: str) -> tuple[str, str]:
    return f"page-content:{name}", f"{get_language()}|{request.get_host()}|{request.get_full_path()}"


def _shared_html(template: str, context: dict, request) -> str:
    """`template` rendered for _catalog_content: with the CSRF token's placeholder, never this
    shopper's token (a masked token gives its secret away)."""
    return _shared_htmls({"html": template}, context, request)["html"]


def _shared_htmls(templates: dict[str, str], context: dict, request) -> dict[str, str]:
    """Each of `templates` (by key) rendered as `_shared_html` renders one, in one request context: the
    nine context processors run once for them all (a product page's content is five templates), as
    for the templates a page includes."""
    shared = make_context({**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    loaded = {key: cast(BackendTemplate, get_template(name)).template for key, name in templates.items()}
    # Bound to the first, the others render as an included template does: in the same context.
    with shared.bind_template(next(iter(loaded.values()))):
        return {key: template.render(shared) for key, template in loaded.items()}


@replica_reads
@require_GET
@cached_home
def home(request):
    _prefetch_content_marks(request, "home")
    # Kept under its rows' reading (catalog.selectors.home_sections): their products and the home mark.
    content = _catalog_content(
        request,
        "home",
        lambda: _home_parts(request),
        fresh_seconds=LISTING_FRESH_SECONDS,
        until=listing_cache.next_banner_change,
        marks=[catalog_version.HOME_MARK],
    )
    return render(request, "storefront/home.html", {"content": content})


def _home_parts(request) -> dict:
    context = {"sections": selectors.home_sections(), "whatsapp_url": whatsapp_url()}
    return _shared_htmls(
        {"head": "storefront/_home_head.html", "html": "storefront/_home_content.html"}, context, request
    )


def _crumbs(*items) -> list[dict]:
    return [{"label": label, "url": url} for label, url in items]


def _render_listing(request, *, crumbs, parts: Callable[[], dict], marks: list[str] | None = None):
    """A listing page (or, for htmx, its results alone) from its catalog content (_listing_parts);
    `marks`: a category's or a brand's listing's (catalog_version.listing_marks, brand_mark)."""
    fresh = FRESH_SECONDS if "in_stock" in request.GET else LISTING_FRESH_SECONDS  # stock filtered: stock shown
    content = _catalog_content(request, "listing", parts, fresh_seconds=fresh, marks=marks)
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        response = HttpResponse(mark_safe(content["results"]))  # htmx swaps only the changing part
    else:
        response = render(request, "catalog/listing.html", {"content": content, "breadcrumbs": crumbs})
    patch_vary_headers(response, ("HX-Request",))  # never let a cached fragment stand in for the page
    return response


def _listing_parts(
    request,
    *,
    base,
    scope,
    heading,
    description,
    subcategories,
    category_ids=None,
    extra=None,
    ordering=None,
    ranked=None,
    search_query=None,
    corrected_query=None,
    kit_strip=None,
    query_shortened=False,
    search_capped=False,
    marks=None,
) -> dict:
    tree = catalog_tree(request)
    params = ListingParams.from_query(request.GET, option_codes=tree.option_codes)
    listing = build_listing(
        base,
        params,
        tree=tree,
        scope=scope,
        category_ids=category_ids,
        extra=extra,
        ordering=ordering,
        ranked=ranked,
        marks=marks,
        # A family's or category's listing: its counts as the database keeps them per category.
        kept_counts=(lambda: category_counts.kept(category_ids, tree)) if category_ids is not None else None,
    )
    context = {
        "heading": heading,
        "description": description,
        "subcategories": subcategories,
        "listing": listing,
        "search_query": search_query,
        "corrected_query": corrected_query,
        "kit_strip": kit_strip or [],
        "query_shortened": query_shortened,
        "max_query_length": MAX_QUERY_LENGTH,
        "search_capped": search_capped,
        "max_matches": MAX_MATCHES,
    }
    results = _shared_html("catalog/_results.html", context, request)
    return {
        "heading": heading,
        "description": description,
        "search_query": search_query,
        "page_number": listing.page.number,
        "is_filtered": listing.params.is_filtered,
        "results": results,
        "html": _shared_html("catalog/_listing_content.html", {**context, "results": results}, request),
    }


def _render_partial_or_page(request, partial: str, page: str, context: dict):
    """htmx swaps only the changing part; the full page stays the URL's answer."""
    wants_fragment = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = partial if wants_fragment else page
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))  # never let a cached fragment stand in for the page
    return response


def _prefetch_content_marks(request, name: str = "listing") -> None:
    """A category's or a brand's listing content, and the home page's, is kept under marks: read them
    with the request's shared keys (from this process' copy of the entry), one round trip instead of two."""
    request_reads.prefetch(listing_cache.marks_kept(*_content_key(request, name)))


@replica_reads
@require_GET
@cached_category_listing
def family(request, slug: str):
    _prefetch_content_marks(request)
    tree = catalog_tree(request)
    node = tree.family_by_slug(slug)
    if node is None:
        raise Http404
    category_ids = tree.family_category_ids(node.id)
    marks = catalog_version.listing_marks(category_ids)
    return _render_listing(
        request,
        crumbs=_crumbs((node.name, None)),
        parts=lambda: _listing_parts(
            request,
            base=selectors.visible_products(tree).filter(category_id__in=category_ids),
            scope=f"family:{node.id}",
            heading=node.name,
            description=node.description,
            subcategories=node.categories,
            category_ids=category_ids,
            marks=marks,
        ),
        marks=marks,
    )


@replica_reads
@require_GET
@cached_category_listing
def category(request, slug: str):
    _prefetch_content_marks(request)
    tree = catalog_tree(request)
    category_id = tree.by_slug.get(slug)
    if category_id is None:
        raise Http404
    node = tree.categories[category_id]
    family_node = tree.family(node.family_id)
    assert family_node is not None  # the tree holds only the categories of active families
    crumbs = _crumbs(
        (family_node.name, family_node.url), *((a.name, a.url) for a in tree.ancestors(node.id)), (node.name, None)
    )
    category_ids = tree.descendant_ids(node.id)
    marks = catalog_version.listing_marks(category_ids)
    return _render_listing(
        request,
        crumbs=crumbs,
        parts=lambda: _listing_parts(
            request,
            base=selectors.visible_products(tree).filter(category_id__in=category_ids),
            scope=f"category:{node.id}",
            heading=node.name,
            description=node.description,
            subcategories=node.children,
            category_ids=category_ids,
            marks=marks,
        ),
        marks=marks,
    )


@replica_reads
@require_GET
@cached_category_listing
def brand(request, slug: str):
    _prefetch_content_marks(request)
    tree = catalog_tree(request)
    found = selectors.active_brand(slug)
    if found is None:
        raise Http404
    marks = [catalog_version.brand_mark(found.pk)]
    return _render_listing(
        request,
        crumbs=_crumbs((_("Brands"), None), (found.name, None)),
        parts=lambda: _listing_parts(
            request,
            base=selectors.visible_products(tree).filter(brand_id=found.pk),
            scope=f"brand:{found.pk}",
            heading=found.name,
            description=found.description,
            subcategories=[],
            marks=marks,
        ),
        marks=marks,
    )


@replica_reads
@require_GET
@cached_listing
def search(request):
    return _render_listing(request, crumbs=_crumbs((_("Search"), None)), parts=lambda: _search_parts(request))


def _search_parts(request) -> dict:
    typed = request.GET.get("q", "").strip()
    query = typed[:MAX_QUERY_LENGTH]  # longer queries are searched by their start, and told so
    result = search_products(selectors.visible_products(catalog_tree(request)), query)
    echoed = Truncator(result.corrected or query).chars(ECHOED_QUERY_LENGTH)
    heading = _("Results for “%(query)s”") % {"query": echoed} if query else _("Search")
    return _listing_parts(
        request,
        base=result.matches,
        scope=f"search:{result.searched}",
        heading=heading,
        description="",
        subcategories=[],
        extra=[("q", query)] if query else [],
        ordering=result.ordering,
        ranked=result.ranked,
        search_query=query,
        corrected_query=result.corrected,
        kit_strip=selectors.kits_matching(query) if query else [],
        query_shortened=len(typed) > MAX_QUERY_LENGTH,
        search_capped=result.capped,
    )


@replica_reads
@require_GET
def search_suggestions(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    return render(
        request,
        "catalog/_suggestions.html",
        {"query": query, "suggestions": suggest(selectors.visible_products(catalog_tree(request)), query)},
    )


def _reviews_section(request, user, slug: str) -> str | None:
    # with its launch in the same read: the section asks whether the product awaits its drop
    product = selectors.visible_products(catalog_tree(request)).with_price_reveal().filter(slug=slug).first()
    if product is None:
        return None
    return _reviews_html(request, product, user, csrf_token=CSRF_PLACEHOLDER)


def _reviews_part(request, user, slug: str, cached: dict | None = None, anonymous: str = "") -> str | None:
    """The product page's reviews section for `user` (their own review, their votes), for the page
    cache to fill a shared product page with; None when the product is not to be shown."""
    if user.is_authenticated and not shopper_has_reviews_or_votes(user=user, product_slug=slug, cached=cached):
        # Nothing of this shopper's own in it (the form to write one, "helpful" on every review):
        # the section every such signed-in shopper gets, rendered once for them all.
        return shared_signed_in_part(
            "reviews", request.get_full_path(), lambda: _reviews_section(request, user, slug), cached=cached
        )
    return _reviews_section(request, user, slug)


def _reviews_part_keys(request, user_id: int, slug: str) -> list[str]:
    return [own_reviews_key(user_id), shared_part_key("reviews", request.get_full_path())]


def _selection(request, tree) -> dict[str, str]:
    """The options chosen in the address (?size=m&color=negro)."""
    return {code: request.GET[code][:80] for code in tree.option_codes if request.GET.get(code)}


def _delivery_part(request, user, slug: str, cached: dict | None = None, anonymous: str = "") -> str | None:
    """The product page's delivery promise for `user`'s own place, for the page cache to fill a
    shared product page with (from the figures the guests' promise carries: no catalog read); None
    when the product is not to be shown or its price is secret."""
    place = shipping_place(user, cached)
    if anonymous and place == shipping_place(None):
        return anonymous  # the guests' own place
    figures = PROMISE_FIGURES.search(anonymous)
    if figures is None:  # storing a page: the guests' promise itself
        try:
            page = selectors.product_page(slug=slug, selection=_selection(request, catalog_tree(request)))
        except Http404:
            return None
        if page.product.price_is_secret:
            return None
        unit_price = (page.variant or page.product).shopper_price
        return _delivery_promise(request, place, page.product.weight_kg, unit_price, cached)
    weight_kg, unit_price = Decimal(figures.group(1)), Decimal(figures.group(2))
    rates = rates_read(place, cached)
    if rates is None:  # not kept yet for this place: the render keeps them
        return _delivery_promise(request, place, weight_kg, unit_price, cached)
    # A page hit's part, rendered once per process for everything it shows: the place and its rates as read
    # (a method, zone or rate written drops them), the parcel, the day its dates count from, the language and
    # the store's free-shipping threshold.
    shown = (
        get_language(),
        place,
        weight_kg,
        unit_price,
        timezone.localdate(),
        site_setting("FREE_SHIPPING_THRESHOLD"),
        rates,
    )
    key = "product-delivery-part:" + hashlib.sha1(repr(shown).encode()).hexdigest()
    html = fragments.get(key)
    if html is None:
        html = _delivery_promise(request, place, weight_kg, unit_price, cached)
        fragments.set(key, html)
    return html


def _delivery_promise(request, place, weight_kg, unit_price, cached: dict | None = None) -> str:
    return render_to_string(
        "catalog/_delivery_promise.html",
        {"weight_kg": weight_kg, "unit_price": unit_price, "delivery_place": place, "delivery_cached": cached},
        request,
    )


def _delivery_part_keys(request, user_id: int, slug: str) -> list[str]:
    return [place_key(user_id), RATES_KEY]


@replica_reads
@require_GET
@cached_page(
    per_product=True,
    stock_checked=True,
    parts=(
        PagePart("reviews", _reviews_part, _reviews_part_keys),
        PagePart("delivery", _delivery_part, _delivery_part_keys),
    ),
)
def product(request, slug: str):
    # The marks its content was kept under cover those of its catalog data and related products (it
    # is built from them), and a signed-in shopper's own entries (their place, whether they reviewed
    # the product, the reviews section they share with others): read with the request's shared keys,
    # one round trip instead of five (with the user and the cart, named when the session was read); and the
    # stock figures of its variants, read once.
    user_id = session_user_id(request)
    own_keys = [place_key(user_id), *_reviews_part_keys(request, user_id, slug)] if user_id is not None else []
    request_reads.prefetch(
        [*listing_cache.marks_kept(*_content_key(request, "product")), *own_keys],
        once=shown_stock.keys_read(selectors.product_page_variants_kept(slug)),
    )
    user = request.user
    tree = catalog_tree(request)
    page = selectors.product_page(slug=slug, selection=_selection(request, tree))
    crumbs = []
    node = tree.categories.get(page.product.category_id)
    if node is not None:
        family_node = tree.family(node.family_id)
        assert family_node is not None  # the tree holds only the categories of active families
        crumbs = _crumbs(
            (family_node.name, family_node.url),
            *((a.name, a.url) for a in tree.ancestors(node.id)),
            (node.name, node.url),
        )
    crumbs += _crumbs((page.product.name, None))
    context = {
        "page": page,
        "product": page.product,
        "breadcrumbs": crumbs,
        "quantity_offer": product_offer(page.product),
        "delivery_place": shipping_place(
            user, request_reads.read_many([place_key(user.pk)]) if user.is_authenticated else None
        ),
    }
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return _render_partial_or_page(request, "catalog/_buy_box.html", "catalog/product.html", context)
    # Around the buy box (stock), what the catalog alone decides, and the reviews as a guest sees them.
    context["content"] = content = _catalog_content(
        request,
        "product",
        lambda: _product_parts(request, context),
        fresh_seconds=LISTING_FRESH_SECONDS,
        built_from=page.readings,
        shown=lambda: f"{page.content_shown()}|{crumbs!r}",
        unnamed=lambda: {"reviews": _reviews_html(request, page.product, AnonymousUser(), csrf_token=CSRF_PLACEHOLDER)},
    )
    context["buy_box"], context["json_ld"] = _stock_parts(request, context)
    context["reviews_html"] = (
        content["reviews"] if not request.user.is_authenticated else _signed_in_reviews_html(request, page.product)
    )
    return _render_partial_or_page(request, "catalog/_buy_box.html", "catalog/product.html", context)


# A product page's content around its buy box, by part; what they include is theirs too.
PRODUCT_CONTENT_PARTS = {
    **{part: f"catalog/_product_{part}.html" for part in ("head", "top", "middle", "bottom")},
    "breadcrumbs": "catalog/_breadcrumbs.html",
}
PRODUCT_CONTENT_TEMPLATES = (
    *PRODUCT_CONTENT_PARTS.values(),
    "catalog/_gallery.html",
    "favourites/_heart.html",
    "favourites/_recent_slot.html",
)


def _product_parts(request, context: dict) -> dict:
    product = context["product"]
    parts = _shared_htmls(PRODUCT_CONTENT_PARTS, context, request)
    return {**parts, "description": Truncator(strip_tags(product.description)).chars(158)}


def _stock_parts(request, context: dict) -> tuple[str, str]:
    """What of a product page follows its stock: the buy box (price, options, stock, add to cart,
    back-in-stock form) and the JSON-LD (its offer says in stock or not). Rendered once per
    process for every shopper who sees the same: the same address, host, language and reading of
    the catalog, the same stock figures, drops and offer, the same place the delivery estimate is
    for (a customer's default address), and for a signed-in shopper their own e-mail (the
    back-in-stock form is filled with it), and the same day (its delivery promise counts its dates from
    today). Its forms carry the CSRF placeholder."""
    page, offer, user = context["page"], context["quantity_offer"], request.user
    shown = (
        get_language(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        bool(request.htmx),
        page.catalog_reading,
        sorted(page.availability.items()),
        page.product.price_is_secret,
        page.upcoming_drop and page.upcoming_drop.pk,
        page.ended_drop and page.ended_drop.pk,
        offer and (offer.badge, offer.name, offer.gift_name, offer.gift_url, offer.gift_sold_out),
        user.email if user.is_authenticated else None,
        context["delivery_place"],
        timezone.localdate(),
    )
    key = "product-stock-parts:" + hashlib.sha1(repr(shown).encode()).hexdigest()
    parts = fragments.get(key)
    if parts is None:
        parts = (_shared_html("catalog/_buy_box.html", context, request), json_ld(_product_json_ld(request, page)))
        fragments.set(key, parts)
    buy_box, structured_data = parts
    return mark_safe(buy_box.replace(CSRF_PLACEHOLDER, request_token(request))), structured_data


def _signed_in_reviews_html(request, product) -> str:
    """A rendered product page's reviews section for the signed-in shopper: for one with no review
    and no vote on the product, the section every such shopper gets, as a page-cache hit fills it
    (_reviews_part: rendered once for them all, not a query and a render per request)."""
    user = request.user
    # What a hit reads with its page (_reviews_part_keys), in one round trip; the version as this request read it.
    cached = {
        listing_cache.VERSION_KEY: request_reads.read(listing_cache.VERSION_KEY),
        **request_reads.read_many(_reviews_part_keys(request, user.pk, product.slug)),
    }
    if shopper_has_reviews_or_votes(user=user, product_slug=product.slug, cached=cached):
        return _reviews_html(request, product, user, csrf_token=request_token(request))
    html = _reviews_part(request, user, product.slug, cached=cached) or ""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, request_token(request))) if CSRF_PLACEHOLDER in html else html


def _reviews_html(request, product, user, *, csrf_token: str) -> str:
    """A product page's reviews section for `user` ("" when it shows none)."""
    reviews = product_reviews(
        product=product,
        user=user,
        sort=request.GET.get("review_sort", "helpful"),
        page=request.GET.get("review_page", 1),
    )
    if not reviews:
        return ""
    return get_template("reviews/_section.html").render(
        {"reviews": reviews, "product": product, "user": user, "request": request, "csrf_token": csrf_token}
    )


def _product_json_ld(request, page) -> dict:
    product, variant = page.product, page.variant
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": variant.sku if variant else product.base_sku,
        "brand": {"@type": "Brand", "name": product.brand.name},
        "description": product.description[:500],
        "url": request.build_absolute_uri(product.get_absolute_url()),
    }
    data["offers"] = _product_offer(request, page)
    if page.images:
        data["image"] = [request.build_absolute_uri(image.image.url) for image in page.images[:4]]
    if product.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{product.rating_shown}",
            "reviewCount": product.rating_count,
        }
    return data


def _product_offer(request, page) -> dict:
    """The Offer of the product's JSON-LD: whether it can be bought now, and at what price. A product
    awaiting its drop's launch is a pre-order whose price stays out until the launch."""
    product, variant = page.product, page.variant
    offer = {
        "@type": "Offer",
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "itemCondition": "https://schema.org/NewCondition",
    }
    if page.upcoming_drop or product.price_is_secret:
        offer["availability"] = "https://schema.org/PreOrder"
        if page.upcoming_drop:
            offer["availabilityStarts"] = iso_datetime(page.upcoming_drop.starts_at)
    elif page.ended_drop or page.sold_out:
        offer["availability"] = "https://schema.org/OutOfStock"
    else:
        offer["availability"] = "https://schema.org/InStock"
    if not product.price_is_secret:
        price = variant.shopper_price if variant else product.shopper_price
        offer.update(priceCurrency="PEN", price=f"{price:.2f}")
    return offer


@replica_reads
@require_GET
def kit(request, slug: str):
    choices, optional = parse_kit_choices(request.GET)
    page = selectors.kit_page(slug=slug, choices=choices, optional_item_ids=optional)
    return render(
        request,
        "catalog/kit.html",
        {
            "page": page,
            "kit": page.kit,
            "price": kit_priced(page),
            "breadcrumbs": _crumbs((_("Kits"), None), (page.kit.name, None)),
        },
    )


@replica_reads
@require_GET
def kits(request):
    browse = selectors.kits_browse(room=request.GET.get("room", "")[:40], style=request.GET.get("style", "")[:80])
    return render(
        request,
        "catalog/kits.html",
        {
            "browse": browse,
            "breadcrumbs": _crumbs((_("Kits"), None)),
        },
    )


@replica_reads
@require_GET
def collection(request, slug: str):
    collection, products = selectors.collection_page(slug=slug)
    return render(
        request,
        "catalog/collection.html",
        {
            "collection": collection,
            "products": products,
            "breadcrumbs": _crumbs((collection.get_collection_type_display(), None), (collection.name, None)),
        },
    )


@replica_reads
@require_GET
def line(request, slug: str):
    line, products, spec_keys = selectors.line_page(slug=slug)
    rows = [(key, [p.specs.get(key, "—") for p in products]) for key in spec_keys]
    return render(
        request,
        "catalog/line.html",
        {
            "line": line,
            "products": products,
            "spec_rows": rows,
            "top_reviews": line_top_reviews(line=line),
            "breadcrumbs": _crumbs((line.category.name, line.category.get_absolute_url()), (line.name, None)),
        },
    )
