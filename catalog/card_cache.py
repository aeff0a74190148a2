"""Rendered product cards, cached by everything a card shows.

A card's HTML is a function of a few product fields, its first image, the language and the
card template itself, so the cache key is made of exactly those values: a price, discount,
rating or name change, or a launch (the price is secret until then), makes a new key and shows
at once, with nothing to invalidate. A listing reads all its cards in one cache round trip and
renders only the ones it misses (about half the time of a listing page goes into rendering 24
cards otherwise)."""

import hashlib
import re
from functools import cache as memoize
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils.translation import get_language

from .renditions import has_renditions

CARD_TEMPLATE = "catalog/_product_card.html"
TTL_SECONDS = 60 * 60
EAGER_CARDS = 4  # the first row above the fold loads its images at once


def _template():
    # In development the template is read again on every call, so an edit shows at once.
    return get_template(CARD_TEMPLATE) if settings.DEBUG else _loaded_template()


@memoize
def _loaded_template():
    return get_template(CARD_TEMPLATE)


INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


def _template_version() -> str:
    """Changes with the card template's source and those of the templates it includes (the
    heart), so a deploy (or an edit) never serves the old markup."""
    return _source_version(_sources(CARD_TEMPLATE, _template().template)) if settings.DEBUG else _loaded_version()


@memoize
def _loaded_version() -> str:
    return _source_version(_sources(CARD_TEMPLATE, _loaded_template().template))


def _sources(name: str, template) -> str:
    source = getattr(template, "source", "")
    included = [found for found in INCLUDE.findall(source) if found != name]
    return source + "".join(_sources(found, cast(Template, get_template(found)).template) for found in included)


@memoize
def _source_version(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()[:12]


def _image(product):
    images = getattr(product, "card_images", None)
    if images is None:
        images = list(product.images.all())
    return images[0] if images else None


def _key(product, eager: bool) -> str:
    image = _image(product)
    shown = (
        product.pk,
        product.name,
        product.slug,
        product.brand.name,
        product.is_new,
        product.base_price,
        product.promo_percent,
        product.promo_amount,
        product.promo_badge,
        product.compare_at_price,
        product.rating_average,
        product.rating_count,
        image.image.name if image else None,
        image.alt if image else None,
        eager,
        # A card before its product's launch shows no price: launching makes a new key.
        product.price_is_secret,
        # The picture's WebP renditions (srcset), made just after it was saved.
        has_renditions(image.image) if image else False,
    )
    digest = hashlib.sha1(repr(shown).encode()).hexdigest()
    return f"catalog:card:{_template_version()}:{get_language()}:{digest}"


def render_cards(products, *, eager: int = EAGER_CARDS) -> list[str]:
    """The HTML of each product's card, in order (the first `eager` load their images at once)."""
    products = list(products)
    keys = [_key(product, index < eager) for index, product in enumerate(products)]
    found = cache.get_many(keys)
    missing = {}
    cards = []
    for index, (product, key) in enumerate(zip(products, keys)):
        html = found.get(key)
        if html is None:
            html = _template().render({"product": product, "eager": index < eager})
            missing[key] = html
        cards.append(html)
    if missing:
        cache.set_many(missing, TTL_SECONDS)
    return cards
