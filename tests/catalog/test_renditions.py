"""The catalog's pictures get WebP renditions that the pages offer in srcset (catalog.renditions)."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template import Context, Template
from PIL import Image

from catalog.models import ProductImage
from catalog.renditions import WIDTHS, rendition_name, renditions_make, srcset
from tests.factories import ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def stored_jpeg(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "JPEG")
    return default_storage.save(f"products/test/{uuid.uuid4().hex}.jpg", ContentFile(buffer.getvalue()))


def test_a_picture_gets_webp_renditions_up_to_its_own_width_never_enlarged():
    name = stored_jpeg(700, 350)

    assert renditions_make(name) == 3
    for width in (200, 400, 600):
        with default_storage.open(rendition_name(name, width)) as file:
            picture = Image.open(file)
            assert picture.format == "WEBP" and picture.size == (width, width // 2)
    assert not default_storage.exists(rendition_name(name, 800))
    assert renditions_make(name) == 0  # made once


def test_a_picture_narrower_than_the_widest_rendition_is_not_decoded_again(monkeypatch):
    """Its wider renditions are never made, so they always "miss": the header says so, not a decode."""
    name = stored_jpeg(700, 350)
    assert renditions_make(name) == 3
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda picture: decoded.append(picture) or None)

    assert renditions_make(name) == 0
    assert decoded == []


def test_a_portrait_shot_stored_on_its_side_gets_the_renditions_of_its_upright_width():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    Image.new("RGB", (900, 500), (30, 120, 200)).save(buffer, "JPEG", exif=exif)
    name = default_storage.save(f"products/test/{uuid.uuid4().hex}.jpg", ContentFile(buffer.getvalue()))

    assert renditions_make(name) == 2  # upright it is 500 px wide: 200 and 400
    with default_storage.open(rendition_name(name, 400)) as file:
        assert Image.open(file).size == (400, 720)
    assert renditions_make(name) == 0


def test_srcset_lists_the_renditions_that_exist_and_nothing_before_they_do():
    name = stored_jpeg(450, 450)
    picture = default_storage.open(name)
    picture.name = name
    assert srcset(picture) == ""

    renditions_make(name)

    assert srcset(picture) == ", ".join(
        f"{default_storage.url(rendition_name(name, width))} {width}w" for width in (200, 400)
    )


def _picture(name: str):
    picture = default_storage.open(name)
    picture.name = name
    return picture


def test_a_srcset_with_every_width_is_built_once_and_the_storage_asked_no_more(monkeypatch):
    picture = _picture(stored_jpeg(1700, 1700))
    renditions_make(picture.name)
    first = srcset(picture)
    assert first.endswith(" 1600w")

    def asked(*args):
        raise AssertionError("the storage was asked again")

    monkeypatch.setattr(default_storage, "exists", asked)
    monkeypatch.setattr(default_storage, "url", asked)
    assert srcset(picture) == first


def test_a_narrower_picture_s_srcset_is_looked_at_again_after_a_while(monkeypatch):
    from catalog import renditions

    picture = _picture(stored_jpeg(450, 450))
    renditions_make(picture.name)
    assert srcset(picture).endswith(" 400w")
    # A wider rendition written after (as a rendition written while the page rendered): not shown until
    # the next look, then shown.
    wider = rendition_name(picture.name, 600)
    default_storage.save(wider, ContentFile(default_storage.open(rendition_name(picture.name, 400)).read()))
    assert srcset(picture).endswith(" 400w")

    later = renditions.time.monotonic() + renditions.LOOK_AGAIN_SECONDS + 1
    monkeypatch.setattr(renditions.time, "monotonic", lambda: later)
    assert srcset(picture).endswith(f"{default_storage.url(wider)} 600w")


def test_saving_a_product_picture_makes_its_renditions(django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGB", (500, 500), (10, 10, 10)).save(buffer, "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        image = ProductImage.objects.create(
            product=ProductFactory(), image=ContentFile(buffer.getvalue(), name="shot.jpg")
        )

    assert [default_storage.exists(rendition_name(image.image.name, width)) for width in WIDTHS] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_the_command_makes_the_renditions_of_pictures_saved_before():
    image = ProductImageFactory()
    name = stored_jpeg(420, 420)
    ProductImage.objects.filter(pk=image.pk).update(image=name)  # as bulk_create or an old install left it

    call_command("image_renditions", stdout=io.StringIO())

    assert default_storage.exists(rendition_name(name, 400))


def test_a_product_card_offers_the_renditions_and_a_tiny_picture_keeps_its_original():
    image = ProductImageFactory()  # 8 px: no rendition
    template = Template('{% load catalog_tags %}<img src="x"{% srcset picture "50vw" %}>')
    assert template.render(Context({"picture": image.image})) == '<img src="x">'

    name = stored_jpeg(640, 640)
    renditions_make(name)
    ProductImage.objects.filter(pk=image.pk).update(image=name)
    image.refresh_from_db()
    html = template.render(Context({"picture": image.image}))
    assert f'{default_storage.url(rendition_name(name, 600))} 600w"' in html and 'sizes="50vw"' in html


def test_media_are_served_with_cache_headers(client):
    name = stored_jpeg(40, 40)

    response = client.get(default_storage.url(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=2592000"


def test_a_cached_card_shows_the_renditions_once_they_are_made():
    from catalog.card_cache import render_cards

    image = ProductImageFactory()
    name = stored_jpeg(420, 420)
    ProductImage.objects.filter(pk=image.pk).update(image=name)
    product = type(image.product).objects.select_related("brand").get(pk=image.product_id)
    assert "srcset" not in render_cards([product])[0]

    renditions_make(name)

    assert "400w" in render_cards([product])[0]
