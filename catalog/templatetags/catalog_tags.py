import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes Django's json_script uses, so no "</script>" can end the block early.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict) -> str:
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def first_image(product):
    """The card image of a product read by catalog.listing's cards_read or cards_page."""
    images = getattr(product, "card_images", None)
    if images is None:
        images = list(product.images.all())
    return images[0] if images else None


@register.simple_tag
def product_cards(products, eager: int = 4) -> list[str]:
    """{% product_cards page.object_list as cards %}: each card's HTML, from the card cache
    (eager=0: no card above the fold, every image loads lazily)."""
    from catalog.card_cache import render_cards

    return [mark_safe(html) for html in render_cards(products, eager=eager)]


@register.simple_tag
def srcset(picture, sizes: str, preload: bool = False, source: bool = False):
    """` srcset="… 200w, … 400w" sizes="…"` for an <img> of a catalog picture (its WebP renditions,
    catalog.renditions), or nothing while it has none: the src alone then serves.
    preload=True: the same as a <link rel="preload">'s imagesrcset/imagesizes (href alone without
    renditions); source=True: a <picture>'s <source>, which falls back to the original's URL."""
    from catalog.renditions import srcset as rendition_srcset

    candidates = rendition_srcset(picture)
    if preload:
        if not candidates:
            return format_html(' href="{}"', picture.url)
        return format_html(' imagesrcset="{}" imagesizes="{}"', candidates, sizes)
    if not candidates:
        return format_html(' srcset="{}"', picture.url) if source else ""
    return format_html(' srcset="{}" sizes="{}"', candidates, sizes)
