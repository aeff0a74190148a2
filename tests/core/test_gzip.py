"""Pages gzipped for a browser that takes it (core.middleware.GZipMiddleware): at the store's cheaper
level, still padded against BREACH, the ETag made weak, nothing for a browser that does not ask."""

import gzip
import os

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from core.middleware import GZipMiddleware

PAGE = "<html><body>" + "".join(f"<p>Producto {n}: polo de algodón pima, talla {n % 5}</p>" for n in range(2000))
PAGE_BYTES = PAGE.encode()


def _gzipped(response_factory, accept="gzip, deflate, br"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return GZipMiddleware(lambda request: response_factory())(request)


def _deflate_stream(body: bytes) -> bytes:
    """The compressed data of a gzip member, past its header and the random file name (FNAME)."""
    assert body[:3] == b"\x1f\x8b\x08" and body[3] & gzip.FNAME
    return body[body.index(b"\x00", 10) + 1 :]


def test_a_page_is_compressed_at_the_cheaper_level_and_reads_back_whole():
    response = _gzipped(lambda: HttpResponse(PAGE))
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == PAGE_BYTES
    assert response["Content-Length"] == str(len(response.content))
    # The deflate data is level 3's, byte for byte (the gzip trailer included), not level 6's.
    level = GZipMiddleware.compress_level
    assert level == 3
    assert _deflate_stream(response.content) == gzip.compress(PAGE_BYTES, compresslevel=level, mtime=0)[10:]
    assert _deflate_stream(response.content) != gzip.compress(PAGE_BYTES, compresslevel=6, mtime=0)[10:]


def test_each_response_is_padded_anew_against_breach():
    lengths = {len(_gzipped(lambda: HttpResponse(PAGE)).content) for _ in range(30)}
    assert len(lengths) > 1


def test_a_strong_etag_becomes_weak():
    def page():
        response = HttpResponse(PAGE)
        response["ETag"] = '"abc"'
        return response

    assert _gzipped(page)["ETag"] == 'W/"abc"'


@pytest.mark.parametrize("accept", ["", "identity", "br"])
def test_a_browser_that_does_not_take_gzip_gets_the_page_as_it_is(accept):
    response = _gzipped(lambda: HttpResponse(PAGE), accept=accept)
    assert response.content == PAGE_BYTES and not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]


def test_short_responses_and_incompressible_ones_go_as_they_are():
    assert _gzipped(lambda: HttpResponse("ok")).content == b"ok"
    noise = os.urandom(5000)  # like a compressed file: gzip would only add to it
    response = _gzipped(lambda: HttpResponse(noise, content_type="application/octet-stream"))
    assert response.content == noise and not response.has_header("Content-Encoding")


def test_an_already_encoded_response_is_left_alone():
    def encoded():
        response = HttpResponse(gzip.compress(PAGE_BYTES))
        response["Content-Encoding"] = "gzip"
        return response

    response = _gzipped(encoded)
    assert gzip.decompress(response.content) == PAGE_BYTES  # once, not twice


def test_a_streamed_response_is_still_gzipped():
    response = _gzipped(lambda: StreamingHttpResponse(iter([PAGE_BYTES[:5000], PAGE_BYTES[5000:]])))
    assert response["Content-Encoding"] == "gzip" and not response.has_header("Content-Length")
    assert gzip.decompress(b"".join(response.streaming_content)) == PAGE_BYTES
