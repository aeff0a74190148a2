"""Smaller WebP copies of the catalog's pictures, for the pages' srcset.

A shop's photos are uploaded large (a banner 1600 px wide, a product shot 600 px or more) and a
phone shows them a quarter that size: each picture gets WebP renditions at the WIDTHS narrower
than itself, stored beside the uploads under renditions/ with names that follow from the source's
(`renditions/<name>-400w.webp`), so a page finds them without a query. They are made when a picture
is saved (the make_image_renditions task, on commit) and, for pictures saved before, by
`manage.py image_renditions`. Until a rendition exists, the page simply uses the original.
"""

import time
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import ExifTags, Image, ImageOps

WIDTHS = (200, 400, 600, 800, 1200, 1600)
# High enough that the demo's and studio shots' smooth gradients show no blocks (still half a JPEG's size).
WEBP_QUALITY = 90

# Every picture shoppers see: (model label, field names).
IMAGE_FIELDS = (
    ("catalog.ProductImage", ("image",)),
    ("catalog.Banner", ("image_desktop", "image_mobile")),
    ("catalog.Collection", ("hero_image",)),
    ("catalog.Kit", ("cover",)),
    ("catalog.ProductLine", ("image",)),
    ("catalog.Brand", ("logo",)),
)

# Renditions already seen on disk, by name: they are never removed while their source lives.
_found: set[str] = set()
# Each picture's srcset once it has renditions, by name, with the moment (time.monotonic) to look again
# for wider ones (None when every width exists). Building it asked the storage for a URL per width
# (about 110 µs a picture) and, for a picture narrower than the widest rendition, whether the next
# width exists on every render: a file system call, or a request to the bucket (object storage).
_srcsets: dict[str, tuple[str, float | None]] = {}
SRCSETS_KEPT = 20_000  # pictures; the whole memo is dropped beyond that
# Renditions are written smallest first: a srcset read between two writes shows the narrower ones
# until the next look.
LOOK_AGAIN_SECONDS = 60


def rendition_name(name: str, width: int) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"renditions/{stem}-{width}w.webp"


def renditions_make(name: str) -> int:
    """The missing renditions of one stored picture. Returns how many it wrote (0 for an SVG or a
    file it cannot read: the page keeps the original)."""
    if not name or name.lower().endswith(".svg"):
        return 0
    missing = [width for width in WIDTHS if not default_storage.exists(rendition_name(name, width))]
    if not missing:
        return 0
    try:
        with default_storage.open(name, "rb") as source:
            header = Image.open(source)  # its header only: the size and the EXIF orientation
            # Never enlarged: the srcset stops at the original's size, so a picture narrower than
            # the widest rendition always "misses" the wider ones. Asking its header decides that
            # without decoding it (every demo load and `image_renditions` run decoded them all).
            wanted = [width for width in rendition_widths(header) if width in missing]
            if not wanted:
                return 0
            picture = ImageOps.exif_transpose(header)
            picture.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return 0
    return renditions_store(name, renditions_encoded(picture, wanted))


def renditions_encoded(picture: Image.Image, widths: list[int]) -> list[tuple[int, bytes]]:
    """The WebP renditions of a decoded, upright picture at each of `widths`: no storage, no settings, so
    a worker process can make them (the demo's drawing pool does, from the picture it just drew)."""
    if picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
    encoded = []
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        buffer = BytesIO()
        picture.resize((width, height), Image.Resampling.LANCZOS).save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        encoded.append((width, buffer.getvalue()))
    return encoded


def renditions_store(name: str, encoded: list[tuple[int, bytes]]) -> int:
    """Store renditions of the picture stored as `name`; returns how many."""
    for width, content in encoded:
        target = rendition_name(name, width)
        stored = default_storage.save(target, ContentFile(content))
        if stored != target:  # written meanwhile by another worker
            default_storage.delete(stored)
    return len(encoded)


def rendition_widths(picture: Image.Image) -> list[int]:
    """The widths a picture gets renditions at: never enlarged, so none wider than it shows upright."""
    return [width for width in WIDTHS if width <= _upright_width(picture)]


def _upright_width(picture: Image.Image) -> int:
    """The width the picture shows once turned as its EXIF says (a phone's portrait shot is stored
    on its side)."""
    width, height = picture.size
    return height if picture.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8) else width


def has_renditions(field_file) -> bool:
    """Whether the picture's smallest rendition exists yet (what a cached card's key must know)."""
    return bool(getattr(field_file, "name", "")) and _exists(rendition_name(field_file.name, WIDTHS[0]))


def _exists(rendition: str) -> bool:
    if rendition in _found:
        return True
    if default_storage.exists(rendition):
        _found.add(rendition)
        return True
    return False


def srcset(field_file) -> str:
    """`url 200w, url 400w, …` of the picture's renditions that exist ("" when none do yet)."""
    name = getattr(field_file, "name", "") or ""
    if not name:
        return ""
    kept = _srcsets.get(name)
    if kept is not None and (kept[1] is None or time.monotonic() < kept[1]):
        return kept[0]
    entries = []
    for width in WIDTHS:
        rendition = rendition_name(name, width)
        if not _exists(rendition):
            break  # widths are made smallest first: a missing one means none wider exists
        entries.append(f"{default_storage.url(rendition)} {width}w")
    found = ", ".join(entries)
    if entries:  # none yet: looked for again on the next render, when its renditions may be made
        if len(_srcsets) >= SRCSETS_KEPT:
            _srcsets.clear()
        _srcsets[name] = (found, None if len(entries) == len(WIDTHS) else time.monotonic() + LOOK_AGAIN_SECONDS)
    return found


def stored_picture_names() -> set[str]:
    from django.apps import apps

    names: set[str] = set()
    for label, fields in IMAGE_FIELDS:
        model = apps.get_model(label)
        for field in fields:
            names.update(
                name for name in model.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct() if name
            )
    return names


def _enqueue_for_saved(sender, instance, **kwargs) -> None:
    from .enqueue import image_renditions_make

    fields = dict(IMAGE_FIELDS)[sender._meta.label]
    names = [getattr(instance, field).name for field in fields if getattr(instance, field)]
    if names:
        image_renditions_make(names=names)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    for label, _fields in IMAGE_FIELDS:
        post_save.connect(_enqueue_for_saved, sender=apps.get_model(label), dispatch_uid=f"catalog.renditions.{label}")
