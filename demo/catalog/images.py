"""Placeholder pictures for the demo catalog, drawn locally with Pillow.

Nothing here touches the network or an external font: product shots are simple
silhouettes (a graphics card, a sofa, a hoodie...) on a soft gradient, and the
few texts (banners, kit covers, logos) use Pillow's embedded font. That font has
no accented letters, so ``draw_text`` composes á, é, ñ, ü, ¡ and ¿ itself.

Every picture is a pure function of its key (kind, colour, variation), never of
the loader's seed, so a file already in storage can be reused as it is.
"""

from __future__ import annotations

import io
import math
import random
import unicodedata
import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import cast

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

RGB = tuple[int, int, int]

PRODUCT_SIZE = 800
_SS = 2  # supersampling factor for the silhouettes (drawn at 2x, then reduced)


# --- colours -------------------------------------------------------------------


def hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """t=0 gives a, t=1 gives b."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def shade(color: RGB, factor: float) -> RGB:
    """factor < 0 darkens towards black, > 0 lightens towards white."""
    return mix(color, (0, 0, 0), -factor) if factor < 0 else mix(color, (255, 255, 255), factor)


def luminance(color: RGB) -> float:
    r, g, b = (c / 255 for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


WHITE: RGB = (255, 255, 255)
INK: RGB = (28, 30, 36)
SILVER: RGB = (196, 200, 206)
GOLD: RGB = (214, 170, 72)
WOOD: RGB = (150, 108, 70)
DARK_WOOD: RGB = (92, 62, 40)
METAL: RGB = (58, 60, 66)


# --- gradients ------------------------------------------------------------------


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    width, height = size
    ramp = Image.linear_gradient("L").resize((width, height))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def diagonal_gradient(size: tuple[int, int], start: RGB, end: RGB) -> Image.Image:
    width, height = size
    side = max(width, height) * 2
    ramp = Image.linear_gradient("L").resize((side, side)).rotate(45, resample=Image.Resampling.BILINEAR)
    ramp = ramp.crop(((side - width) // 2, (side - height) // 2, (side + width) // 2, (side + height) // 2))
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), ramp)


def radial_glow(size: tuple[int, int], center: tuple[float, float], radius: float, color: RGB, strength: float):
    """An RGBA layer: a soft round light, strongest at center."""
    width, height = size
    # radial_gradient is 0 at the centre and 128 at the middle of each edge.
    glow = Image.radial_gradient("L").point(lambda v: int(255 * strength * max(0.0, 1 - v / 128) ** 2))
    glow = glow.resize((int(radius * 2), int(radius * 2)), Image.Resampling.BILINEAR)
    layer = Image.new("RGBA", size, color + (0,))
    alpha = Image.new("L", size, 0)
    alpha.paste(glow, (int(center[0] - radius), int(center[1] - radius)))
    layer.putalpha(alpha)
    return layer


# --- text with Spanish accents -------------------------------------------------------

_MARKS = {"\u0301": "acute", "\u0303": "tilde", "\u0308": "diaeresis"}
_REPLACE = {"×": "x", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "²": "2", "€": "EUR"}


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont:
    # A FreeTypeFont: a sized default font needs Pillow's FreeType support, which the demo requires.
    return cast(ImageFont.FreeTypeFont, ImageFont.load_default(size=size))


_SUPPORTED = set("©«°±·»")  # the few non-ASCII characters the embedded font has


def _plan(text: str) -> tuple[str, list[tuple[int, str]], list[int]]:
    """Split text into what the embedded font can draw plus the marks to add on top.

    Returns the base string, [(index, mark)] and the indexes of ¡ and ¿, which stand in the
    base string as ! and ? and are redrawn upside down.
    """
    base: list[str] = []
    marks: list[tuple[int, str]] = []
    inverted: list[int] = []
    for char in text:
        char = _REPLACE.get(char, char)
        if char in "¡¿":
            inverted.append(len(base))
            base.append("!" if char == "¡" else "?")
            continue
        decomposed = unicodedata.normalize("NFD", char)
        letter, combining = decomposed[0], decomposed[1:]
        for mark in combining:
            if mark in _MARKS:
                marks.append((len(base), _MARKS[mark]))
        base.append(letter if letter.isascii() or letter in _SUPPORTED else "?")
    return "".join(base), marks, inverted


def text_width(text: str, size: int) -> float:
    base, _, _ = _plan(text)
    return font(size).getlength(base)


def draw_text(
    image: Image.Image, xy: tuple[float, float], text: str, size: int, fill, anchor: str = "l"
) -> tuple[float, float]:
    """Draw one line with its top at xy[1]; anchor "l", "m" or "r" for x. Returns (width, height)."""
    fnt = font(size)
    base, marks, inverted = _plan(text)
    width = fnt.getlength(base)
    ascent, descent = fnt.getmetrics()
    pad = size  # room above capitals for their accents
    mask = Image.new("L", (int(width) + 2 * pad, ascent + descent + 2 * pad), 0)
    pen = ImageDraw.Draw(mask)
    pen.text((pad, pad), base, font=fnt, fill=255)
    x_top = pad + fnt.getbbox("x")[1]
    cap_top = pad + fnt.getbbox("H")[1]
    stroke = max(1, round(size * 0.07))
    for index, mark in marks:
        letter = base[index]
        left = pad + fnt.getlength(base[:index])
        right = left + fnt.getlength(letter)
        center = (left + right) / 2
        if letter == "i":
            # Remove the dot of the i before putting the accent in its place.
            pen.rectangle((left, pad, right, x_top - 1), fill=0)
        top = (cap_top if letter.isupper() else x_top) - size * 0.12
        if mark == "acute":
            pen.line(
                (center - size * 0.05, top, center + size * 0.08, top - size * 0.16),
                fill=255,
                width=stroke + 1,
            )
        elif mark == "tilde":
            w, h = size * 0.32, size * 0.05
            points = [
                (center - w / 2 + w * t / 12, top - size * 0.06 - h * math.sin(t / 12 * 2 * math.pi)) for t in range(13)
            ]
            pen.line(points, fill=255, width=stroke, joint="curve")
        elif mark == "diaeresis":
            r = size * 0.05
            for dx in (-size * 0.11, size * 0.11):
                pen.ellipse((center + dx - r, top - size * 0.06 - r, center + dx + r, top - size * 0.06 + r), fill=255)
    for index in inverted:
        char = base[index]
        left = pad + fnt.getlength(base[:index])
        right = left + fnt.getlength(char)
        pen.rectangle((left, 0, right, mask.height), fill=0)
        glyph = Image.new("L", (int(right - left) + 2 * pad, ascent + descent + 2 * pad), 0)
        ImageDraw.Draw(glyph).text((pad, pad), char, font=fnt, fill=255)
        upright = glyph.getbbox()
        flipped = glyph.rotate(180)
        box = flipped.getbbox()
        if not upright or not box:
            continue
        # Same box as the upright sign, lowered to reach under the baseline like a descender.
        target_top = upright[1] + size * 0.2
        mask.paste(
            flipped, (int(left - box[0] + (right - left - (box[2] - box[0])) / 2), int(target_top - box[1])), flipped
        )
    x, y = xy
    if anchor == "m":
        x -= width / 2
    elif anchor == "r":
        x -= width
    color = Image.new("RGBA" if image.mode == "RGBA" else "RGB", mask.size, fill)
    image.paste(color, (int(x - pad), int(y - pad)), mask)
    return width, ascent + descent


def fit_size(text: str, max_width: float, start: int, minimum: int = 12) -> int:
    size = start
    while size > minimum and text_width(text, size) > max_width:
        size -= 2
    return size


def wrap(text: str, size: int, max_width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


# --- a pen in a 1000x1000 design space ----------------------------------------------


class Pen:
    """Draws on an RGBA canvas using coordinates in a 0-1000 square."""

    def __init__(self, canvas: Image.Image):
        self.canvas = canvas
        self.draw = ImageDraw.Draw(canvas)
        self.k = canvas.width / 1000

    def _p(self, *coords: float) -> list[float]:
        return [c * self.k for c in coords]

    def rect(self, x0, y0, x1, y1, fill, radius: float = 0, outline=None, width: float = 0):
        box = self._p(x0, y0, x1, y1)
        if radius:
            self.draw.rounded_rectangle(
                box, radius=radius * self.k, fill=fill, outline=outline, width=int(width * self.k)
            )
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=int(width * self.k))

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width: float = 0):
        self.draw.ellipse(self._p(x0, y0, x1, y1), fill=fill, outline=outline, width=int(width * self.k))

    def circle(self, cx, cy, r, fill=None, outline=None, width: float = 0):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=fill, outline=outline, width=width)

    def poly(self, points, fill, outline=None, width: float = 0):
        self.draw.polygon(
            [(x * self.k, y * self.k) for x, y in points], fill=fill, outline=outline, width=int(width * self.k)
        )

    def line(self, points, fill, width: float):
        self.draw.line(
            [(x * self.k, y * self.k) for x, y in points], fill=fill, width=max(1, int(width * self.k)), joint="curve"
        )

    def arc(self, x0, y0, x1, y1, start, end, fill, width: float):
        self.draw.arc(self._p(x0, y0, x1, y1), start, end, fill=fill, width=max(1, int(width * self.k)))

    def pie(self, x0, y0, x1, y1, start, end, fill):
        self.draw.pieslice(self._p(x0, y0, x1, y1), start, end, fill=fill)

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self._p(x0, y0, x1, y1), start, end, fill=fill)


def bezier(p0, p1, p2, p3, steps: int = 16) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


# --- silhouettes -------------------------------------------------------------------------
# Each takes a Pen, the object's colour and an accent colour, and returns the floor line
# (y of the shadow's centre, half width of the shadow) in design units.

Silhouette = Callable[[Pen, RGB, RGB], tuple[float, float]]


def _gpu(p: Pen, color: RGB, accent: RGB):
    body = color if luminance(color) < 0.8 else shade(color, -0.08)
    p.rect(100, 330, 132, 660, SILVER, radius=4)  # bracket
    for y in range(360, 640, 40):
        p.rect(108, y, 124, y + 22, shade(SILVER, -0.35), radius=3)
    p.rect(330, 600, 640, 648, GOLD, radius=4)  # PCIe contacts
    for x in range(340, 630, 14):
        p.rect(x, 612, x + 8, 648, shade(GOLD, -0.18))
    p.rect(132, 318, 890, 612, shade(body, -0.35), radius=26)  # backplate edge
    p.rect(140, 330, 880, 600, body, radius=30)
    p.poly([(160, 338), (520, 338), (490, 362), (160, 362)], accent)
    p.poly([(700, 578), (860, 578), (860, 592), (690, 592)], accent)
    for cx in (280, 510, 740):
        p.circle(cx, 468, 108, shade(body, -0.45))
        p.circle(cx, 468, 98, (24, 25, 28))
        for blade in range(9):
            start = blade * 40
            p.pie(cx - 92, 468 - 92, cx + 92, 468 + 92, start, start + 24, (58, 60, 66))
        p.circle(cx, 468, 34, shade(body, 0.12))
        p.circle(cx, 468, 34, None, outline=accent, width=5)
    return 700, 380


def _laptop(p: Pen, color: RGB, accent: RGB):
    p.rect(215, 185, 785, 565, shade(color, -0.25), radius=22)
    p.rect(232, 202, 768, 548, INK, radius=10)
    _wallpaper(p, 245, 215, 755, 535, accent)
    p.circle(500, 194, 4, (70, 70, 70))
    p.poly([(190, 565), (810, 565), (890, 628), (110, 628)], color)
    p.poly([(240, 575), (760, 575), (790, 598), (210, 598)], shade(color, -0.12))
    p.poly([(110, 628), (890, 628), (880, 646), (120, 646)], shade(color, -0.3))
    p.rect(440, 602, 560, 618, shade(color, -0.08), radius=4)
    return 660, 420


def _wallpaper(p: Pen, x0, y0, x1, y1, accent: RGB):
    """A calm Andean landscape for screens."""
    sky_top, sky_bottom = shade(accent, -0.35), shade(accent, 0.45)
    steps = 24
    for i in range(steps):
        t = i / steps
        p.rect(x0, y0 + (y1 - y0) * t, x1, y0 + (y1 - y0) * (i + 1) / steps + 1, mix(sky_top, sky_bottom, t))
    w, h = x1 - x0, y1 - y0
    p.circle(x0 + w * 0.72, y0 + h * 0.3, h * 0.08, shade(accent, 0.8))
    p.poly(
        [
            (x0, y1),
            (x0 + w * 0.28, y0 + h * 0.42),
            (x0 + w * 0.45, y0 + h * 0.62),
            (x0 + w * 0.62, y0 + h * 0.35),
            (x1, y0 + h * 0.7),
            (x1, y1),
        ],
        shade(accent, -0.5),
    )
    p.poly(
        [
            (x0, y1),
            (x0 + w * 0.2, y0 + h * 0.7),
            (x0 + w * 0.5, y0 + h * 0.82),
            (x0 + w * 0.8, y0 + h * 0.66),
            (x1, y0 + h * 0.8),
            (x1, y1),
        ],
        shade(accent, -0.68),
    )


def _monitor(p: Pen, color: RGB, accent: RGB):
    frame = color
    p.poly([(470, 560), (530, 560), (545, 720), (455, 720)], shade(frame, -0.15))
    p.rect(330, 712, 670, 742, shade(frame, -0.05), radius=14)
    p.rect(120, 170, 880, 600, frame, radius=16)
    p.rect(136, 186, 864, 572, INK, radius=6)
    _wallpaper(p, 142, 192, 858, 566, accent)
    p.rect(480, 582, 520, 588, shade(frame, 0.3), radius=3)
    return 750, 260


def _keyboard(p: Pen, color: RGB, accent: RGB):
    key = shade(color, 0.14) if luminance(color) < 0.5 else shade(color, -0.06)
    legend_edge = shade(color, -0.3)
    p.rect(95, 385, 905, 635, shade(color, -0.3), radius=30)
    p.rect(95, 375, 905, 620, color, radius=30)
    rows = [(15, 0), (15, 0), (14, 20), (13, 34), (12, 48)]
    y = 402
    for r, (count, indent) in enumerate(rows):
        x: float = 122 + indent
        unit = (756 - indent) / count
        for c in range(count):
            w = unit - 8
            if r == 4 and c == 4:
                w = unit * 4 - 8
            if r == 4 and 4 < c < 8:
                continue
            p.rect(x, y + 4, x + w, y + 38, legend_edge, radius=7)
            p.rect(x, y, x + w, y + 33, key, radius=7)
            x += unit if not (r == 4 and c == 4) else unit * 4
        y += 42
    p.rect(740, 378, 880, 384, accent, radius=3)
    return 650, 420


def _mouse(p: Pen, color: RGB, accent: RGB):
    outline = shade(color, -0.3)
    p.ellipse(345, 235, 655, 785, outline)
    p.ellipse(353, 242, 647, 775, color)
    p.ellipse(400, 310, 510, 720, shade(color, 0.12) if luminance(color) < 0.6 else shade(color, 0.5))
    p.line([(500, 245), (500, 430)], outline, 5)
    p.line(bezier((358, 430), (440, 460), (560, 460), (642, 430)), outline, 4)
    p.rect(486, 285, 514, 365, INK, radius=12)
    p.rect(490, 300, 510, 350, accent, radius=8)
    p.ellipse(470, 650, 530, 700, accent)
    return 800, 150


def _headphones(p: Pen, color: RGB, accent: RGB):
    band = shade(color, -0.1)
    p.arc(230, 180, 770, 720, 180, 360, shade(band, -0.3), 58)
    p.arc(236, 184, 764, 716, 182, 358, band, 44)
    p.arc(270, 215, 730, 680, 200, 340, shade(color, 0.25), 10)
    for side in (-1, 1):
        cx = 500 + side * 252
        p.rect(cx - 18, 440, cx + 18, 520, SILVER, radius=8)
        p.ellipse(cx - 92, 480, cx + 92, 730, shade(color, -0.25))
        p.ellipse(cx - 82, 490, cx + 82, 720, color)
        p.ellipse(cx - 50, 540, cx + 50, 670, shade(color, 0.1) if luminance(color) < 0.6 else shade(color, -0.1))
        p.ellipse(cx - 16, 590, cx + 16, 620, accent)
        inner = cx - side * 75
        p.rect(min(inner, inner - side * 30), 500, max(inner, inner - side * 30), 710, INK, radius=14)
    return 760, 330


def _sofa(p: Pen, color: RGB, accent: RGB):
    dark, darker, light = shade(color, -0.16), shade(color, -0.3), shade(color, 0.12)
    for x in (185, 790):
        p.poly([(x, 670), (x + 26, 670), (x + 20, 735), (x + 8, 735)], DARK_WOOD)
    p.rect(150, 310, 850, 580, darker, radius=40)
    for i in range(3):
        x0 = 205 + i * 200
        p.rect(x0, 330, x0 + 190, 540, dark, radius=36)
        p.rect(x0 + 8, 336, x0 + 182, 520, color, radius=32)
    p.rect(170, 555, 830, 672, darker, radius=24)
    for i in range(3):
        x0 = 205 + i * 200
        p.rect(x0, 520, x0 + 192, 610, light, radius=24)
        p.rect(x0, 588, x0 + 192, 612, dark, radius=10)
    for x0 in (105, 795):
        p.rect(x0, 430, x0 + 100, 680, darker, radius=30)
        p.rect(x0 + 4, 420, x0 + 96, 660, color, radius=30)
        p.rect(x0 + 4, 420, x0 + 96, 470, light, radius=26)
    p.rect(610, 380, 760, 505, accent, radius=26)
    return 740, 400


def _table(p: Pen, color: RGB, accent: RGB, coffee: bool = False):
    top_y = 520 if coffee else 410
    leg_end = 720
    edge = shade(color, -0.25)
    for x in (230, 760) if coffee else (215, 770):
        p.poly([(x, top_y), (x + 28, top_y), (x + 22, leg_end - 40), (x + 8, leg_end - 40)], shade(color, -0.38))
    for x in (160, 820) if coffee else (150, 830):
        p.poly([(x, top_y + 20), (x + 32, top_y + 20), (x + 26, leg_end), (x + 6, leg_end)], edge)
    if coffee:
        p.rect(185, 640, 820, 658, edge, radius=4)
    p.poly([(150, top_y - 50), (850, top_y - 50), (905, top_y), (95, top_y)], shade(color, 0.12))
    p.rect(95, top_y, 905, top_y + 26, color, radius=5)
    p.rect(95, top_y + 22, 905, top_y + 30, edge, radius=3)
    if coffee:
        p.ellipse(560, top_y - 86, 640, top_y - 40, accent)
        p.rect(300, top_y - 44, 460, top_y - 30, shade(accent, 0.4), radius=4)
    else:
        p.ellipse(440, top_y - 48, 560, top_y - 30, shade(WHITE, -0.06))
        p.rect(482, top_y - 120, 518, top_y - 40, accent, radius=12)
    return leg_end, 420


def _office_chair(p: Pen, color: RGB, accent: RGB):
    base = METAL
    cx, hub_y = 500, 700
    for tx, ty in ((300, 760), (400, 785), (600, 785), (700, 760), (500, 770)):
        p.line([(cx, hub_y), (tx, ty)], base, 26)
        p.circle(tx, ty + 18, 20, INK)
    p.rect(486, 560, 514, 705, SILVER, radius=6)
    p.rect(478, 640, 522, 705, shade(base, 0.2), radius=6)
    p.rect(375, 150, 625, 470, shade(color, -0.3), radius=60)
    p.rect(385, 160, 615, 460, color, radius=56)
    for y in range(190, 450, 22):
        p.line([(400, y), (600, y)], shade(color, 0.08), 3)
    p.rect(420, 330, 580, 390, shade(color, -0.15), radius=24)
    p.rect(470, 450, 530, 520, base, radius=8)
    for side in (-1, 1):
        x = cx + side * 170
        p.rect(x - 10, 440, x + 10, 540, base, radius=6)
        p.rect(x - 30, 430, x + 30, 452, shade(base, 0.15), radius=10)
    p.rect(320, 505, 680, 580, shade(color, -0.3), radius=30)
    p.rect(325, 495, 675, 565, shade(color, 0.05), radius=30)
    p.rect(476, 170, 524, 178, accent, radius=4)
    return 800, 260


def _dining_chair(p: Pen, color: RGB, accent: RGB):
    wood = color
    edge = shade(wood, -0.28)
    p.rect(390, 500, 408, 730, edge, radius=4)
    p.rect(592, 500, 610, 730, edge, radius=4)
    p.rect(360, 190, 386, 520, wood, radius=8)
    p.rect(614, 190, 640, 520, wood, radius=8)
    p.rect(360, 190, 640, 240, wood, radius=16)
    for x in (425, 488, 551):
        p.rect(x, 240, x + 24, 470, shade(wood, -0.1), radius=6)
    p.rect(360, 300, 640, 320, shade(wood, -0.05), radius=4)
    seat = shade(color, 0.18) if luminance(color) < 0.75 else shade(color, -0.08)
    p.poly([(350, 488), (650, 488), (690, 548), (310, 548)], seat)
    p.rect(310, 548, 690, 572, shade(seat, -0.2), radius=6)
    p.poly([(330, 572), (356, 572), (348, 790), (336, 790)], wood)
    p.poly([(644, 572), (670, 572), (664, 790), (652, 790)], wood)
    p.rect(340, 700, 660, 712, edge, radius=4)
    return 792, 230


def _desk(p: Pen, color: RGB, accent: RGB):
    top, edge = color, shade(color, -0.25)
    p.rect(150, 440, 182, 740, METAL, radius=6)
    p.rect(130, 720, 260, 740, METAL, radius=6)
    p.rect(200, 440, 216, 720, shade(METAL, 0.2), radius=4)
    p.rect(620, 440, 850, 740, edge, radius=6)
    p.rect(628, 448, 842, 730, shade(color, 0.05), radius=4)
    for i in range(3):
        y0 = 458 + i * 92
        p.rect(640, y0, 830, y0 + 80, shade(color, -0.05), radius=4)
        p.rect(705, y0 + 32, 765, y0 + 42, METAL, radius=4)
    p.poly([(150, 360), (850, 360), (905, 410), (95, 410)], shade(top, 0.12))
    p.rect(95, 410, 905, 444, top, radius=6)
    p.rect(95, 440, 905, 448, edge)
    p.rect(300, 250, 500, 372, INK, radius=8)
    p.rect(308, 258, 492, 362, shade(accent, 0.2), radius=4)
    p.rect(390, 372, 410, 390, METAL)
    p.ellipse(540, 360, 600, 384, shade(accent, -0.2))
    return 742, 420


def _hoodie(p: Pen, color: RGB, accent: RGB):
    dark, darker, light = shade(color, -0.14), shade(color, -0.28), shade(color, 0.1)
    if luminance(color) > 0.85:
        dark, darker = shade(color, -0.1), shade(color, -0.2)
    p.ellipse(370, 120, 630, 360, darker)  # hood behind
    p.ellipse(395, 150, 605, 340, shade(color, -0.4))
    sleeve_l = [(330, 250), (215, 300), (120, 640), (125, 760), (210, 768), (250, 650), (300, 430)]
    sleeve_r = [(1000 - x, y) for x, y in sleeve_l]
    p.poly(sleeve_l, dark)
    p.poly(sleeve_r, dark)
    p.rect(118, 730, 215, 790, darker, radius=14)
    p.rect(785, 730, 882, 790, darker, radius=14)
    body = [(330, 240), (670, 240), (710, 330), (712, 800), (288, 800), (290, 330)]
    p.poly(body, color)
    p.rect(288, 770, 712, 835, darker, radius=12)
    p.poly([(360, 240), (640, 240), (560, 330), (440, 330)], dark)
    p.ellipse(410, 200, 590, 330, shade(color, -0.45))
    p.poly([(410, 255), (500, 330), (590, 255), (575, 300), (500, 350), (425, 300)], light)
    p.line([(470, 330), (465, 470)], WHITE if luminance(color) < 0.7 else INK, 7)
    p.line([(530, 330), (535, 470)], WHITE if luminance(color) < 0.7 else INK, 7)
    p.rect(457, 462, 473, 492, accent, radius=4)
    p.rect(527, 462, 543, 492, accent, radius=4)
    p.poly([(380, 560), (620, 560), (670, 720), (330, 720)], dark)
    p.poly([(392, 574), (608, 574), (652, 708), (348, 708)], color)
    p.line([(380, 560), (330, 720)], darker, 6)
    p.line([(620, 560), (670, 720)], darker, 6)
    return 850, 330


def _tshirt(p: Pen, color: RGB, accent: RGB):
    dark, darker = shade(color, -0.12), shade(color, -0.26)
    if luminance(color) > 0.85:
        dark, darker = shade(color, -0.08), shade(color, -0.18)
    sleeve_l = [(350, 200), (240, 240), (120, 420), (230, 480), (300, 400)]
    sleeve_r = [(1000 - x, y) for x, y in sleeve_l]
    p.poly(sleeve_l, dark)
    p.poly(sleeve_r, dark)
    p.line([(120, 420), (230, 480)], darker, 10)
    p.line([(880, 420), (770, 480)], darker, 10)
    p.poly([(350, 200), (650, 200), (700, 400), (705, 800), (295, 800), (300, 400)], color)
    p.chord(410, 140, 590, 290, 0, 180, darker)
    p.chord(425, 150, 575, 270, 0, 180, shade(color, -0.4))
    p.rect(295, 785, 705, 800, dark)
    p.circle(600, 330, 26, accent)
    return 815, 300


def _sneaker(p: Pen, color: RGB, accent: RGB):
    sole = WHITE if luminance(color) < 0.85 else (236, 232, 224)
    outsole = (190, 132, 80) if luminance(color) > 0.6 else shade(color, -0.5)
    upper = (
        bezier((150, 600), (140, 520), (160, 430), (220, 400), 10)
        + bezier((220, 400), (260, 420), (300, 440), (340, 430), 8)
        + bezier((340, 430), (380, 380), (420, 350), (450, 340), 8)
        + bezier((450, 340), (560, 420), (700, 470), (820, 520), 12)
        + bezier((820, 520), (880, 540), (890, 600), (870, 630), 8)
        + [(150, 630)]
    )
    p.poly(upper, color)
    p.poly(bezier((600, 440), (700, 470), (800, 500), (860, 560), 10) + [(880, 630), (600, 630)], shade(color, -0.08))
    p.poly(
        bezier((150, 600), (140, 520), (160, 440), (210, 410), 8) + [(250, 440), (250, 630), (150, 630)],
        shade(color, -0.18),
    )
    stripe = bezier((300, 610), (420, 600), (560, 520), (640, 470), 12)
    p.line(stripe, accent, 34)
    p.line([(345, 440), (440, 360)], shade(color, 0.2) if luminance(color) < 0.7 else shade(color, -0.2), 26)
    for i in range(5):
        x, y = 470 + i * 40, 395 + i * 20
        p.line([(x - 16, y - 24), (x + 20, y + 8)], WHITE if luminance(color) < 0.8 else INK, 7)
        p.circle(x - 16, y - 20, 5, shade(color, -0.45))
    p.rect(120, 615, 900, 680, sole, radius=28)
    p.rect(120, 660, 900, 700, outsole, radius=18)
    p.line([(160, 640), (860, 640)], shade(sole, -0.12), 4)
    return 705, 400


def _cap(p: Pen, color: RGB, accent: RGB):
    dark, darker = shade(color, -0.15), shade(color, -0.3)
    if luminance(color) > 0.85:
        dark, darker = shade(color, -0.1), shade(color, -0.2)
    p.pie(230, 300, 690, 760, 180, 360, color)
    p.poly([(230, 530), (690, 530), (700, 560), (225, 560)], dark)
    p.pie(380, 300, 690, 760, 270, 360, shade(color, 0.08))
    p.line(bezier((460, 300), (420, 380), (400, 460), (400, 530), 10), darker, 5)
    p.line(bezier((460, 300), (560, 370), (620, 450), (640, 530), 10), darker, 5)
    p.circle(460, 300, 16, darker)
    p.rect(300, 440, 420, 505, accent, radius=10)
    p.poly(bezier((560, 540), (700, 530), (860, 560), (900, 600), 12) + [(870, 630), (700, 610), (560, 585)], darker)
    p.poly(bezier((560, 540), (700, 522), (840, 548), (885, 590), 12) + [(860, 605), (700, 590), (560, 570)], dark)
    return 640, 330


SILHOUETTES: dict[str, Silhouette] = {
    "gpu": _gpu,
    "laptop": _laptop,
    "monitor": _monitor,
    "keyboard": _keyboard,
    "mouse": _mouse,
    "headphones": _headphones,
    "sofa": _sofa,
    "dining_table": _table,
    "coffee_table": lambda p, c, a: _table(p, c, a, coffee=True),
    "office_chair": _office_chair,
    "dining_chair": _dining_chair,
    "desk": _desk,
    "hoodie": _hoodie,
    "tshirt": _tshirt,
    "sneaker": _sneaker,
    "cap": _cap,
}

# Accent colours for the little details (fan rings, laces, cushions).
ACCENTS: list[RGB] = [hex_to_rgb(c) for c in ("#e4572e", "#2e86de", "#17a589", "#f5b041", "#8e44ad", "#d35400")]


@lru_cache(maxsize=8)
def object_layer(kind: str, color: RGB, accent: RGB, size: int) -> tuple[Image.Image, float, float]:
    """The silhouette alone on a transparent layer; returns (layer, floor y, shadow half width) in pixels.

    Drawn at twice the size and reduced, which anti-aliases every edge. Cached: callers must not modify it.
    """
    canvas = Image.new("RGBA", (size * _SS, size * _SS), (0, 0, 0, 0))
    floor, half = SILHOUETTES[kind](Pen(canvas), color, accent)
    layer = canvas.reduce(_SS)
    return layer, floor * size / 1000, half * size / 1000


def _shadow(size: int, floor: float, half: float, strength: int = 90) -> Image.Image:
    """A soft elliptic floor shadow, blurred at a quarter of the size (much faster) and scaled up."""
    small = max(8, size // 4)
    k = small / size
    shadow = Image.new("L", (small, small), 0)
    ImageDraw.Draw(shadow).ellipse(
        ((size / 2 - half) * k, (floor - size * 0.018) * k, (size / 2 + half) * k, (floor + size * 0.022) * k),
        fill=strength,
    )
    return shadow.filter(ImageFilter.GaussianBlur(size * 0.018 * k)).resize((size, size), Image.Resampling.BILINEAR)


def background_for(color: RGB) -> tuple[RGB, RGB]:
    """Soft tints of the colour; very light colours get a deeper neutral studio tone so they stand out."""
    if luminance(color) > 0.75:
        return (222, 226, 232), (176, 184, 196)
    return mix(color, WHITE, 0.9), mix(color, WHITE, 0.72)


def product_image(kind: str, color_hex: str, variation: int = 0, size: int = PRODUCT_SIZE) -> Image.Image:
    """A clean product shot: gradient studio background, soft floor shadow, the silhouette.

    Variation 0 is the front shot, 1 the mirrored shot on a warmer tone, 2 a closer shot on a cooler tone.
    """
    color = hex_to_rgb(color_hex)
    rnd = random.Random(zlib.crc32(f"{kind}|{color_hex}|{variation}".encode()))
    accent = ACCENTS[rnd.randrange(len(ACCENTS))]
    top, bottom = background_for(accent if kind in NEUTRAL_KINDS else color)
    if variation == 1:
        top, bottom = mix(top, (255, 244, 230), 0.5), mix(bottom, (250, 226, 200), 0.35)
    elif variation == 2:
        top, bottom = mix(top, (232, 240, 255), 0.5), mix(bottom, (205, 220, 240), 0.35)
    image = vertical_gradient((size, size), top, bottom).convert("RGBA")
    image.alpha_composite(radial_glow((size, size), (size * 0.5, size * 0.42), size * 0.45, WHITE, 0.6))
    side = size if variation == 2 else int(size * 0.86)
    layer, floor, half = object_layer(kind, color, accent, side)
    if variation == 1:
        layer = ImageOps.mirror(layer)
    offset = (size - side) // 2
    shadow = _shadow(size, floor + offset, half)
    image.paste((0, 0, 0, 255), (0, 0), shadow.point(lambda v: int(v * 0.6)))
    image.alpha_composite(layer, (offset, offset))
    return image.convert("RGB")


# Products whose colour is not a shopper's choice: the background takes an accent instead.
NEUTRAL_KINDS = {"gpu", "laptop", "monitor"}


# --- logos, kit covers, collection heroes, banners ---------------------------------------


def fit_lines(text: str, max_width: float, start: int, max_lines: int, minimum: int = 14) -> tuple[int, list[str]]:
    """The largest size (from start down) at which text wraps into max_lines lines of max_width."""
    size = start
    while True:
        lines = wrap(text, size, max_width)
        if size <= minimum or (len(lines) <= max_lines and all(text_width(line, size) <= max_width for line in lines)):
            return size, lines[:max_lines]
        size -= 2


def brand_logo(name: str, color_hex: str, size: int = 200) -> Image.Image:
    color = hex_to_rgb(color_hex)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 0.18, fill=color)
    draw.rounded_rectangle(
        (size * 0.06, size * 0.06, size * 0.94, size * 0.94),
        radius=size * 0.14,
        outline=shade(color, 0.25),
        width=max(2, size // 80),
    )
    ink = WHITE if luminance(color) < 0.6 else INK
    text_size, lines = fit_lines(name, size * 0.76, size // 5, 3)
    while text_size > 14 and text_size * 1.15 * len(lines) > size * 0.6:
        text_size, lines = fit_lines(name, size * 0.76, text_size - 2, 3)
    line_height = text_size * 1.15
    y = size / 2 - line_height * len(lines) / 2 - text_size * 0.08
    for line in lines:
        draw_text(image, (size / 2, y), line, text_size, ink, anchor="m")
        y += line_height
    draw.rounded_rectangle((size * 0.4, size * 0.84, size * 0.6, size * 0.855), radius=2, fill=shade(color, 0.4))
    return image


def _button(image: Image.Image, x: float, y: float, text: str, size: int, fill: RGB, ink: RGB, anchor: str = "l"):
    width = text_width(text, size)
    pad_x, pad_y = size * 1.1, size * 0.6
    total = width + 2 * pad_x
    if anchor == "m":
        x -= total / 2
    ImageDraw.Draw(image).rounded_rectangle(
        (x, y, x + total, y + size * 1.2 + 2 * pad_y), radius=(size * 1.2 + 2 * pad_y) / 2, fill=fill
    )
    draw_text(image, (x + pad_x, y + pad_y), text, size, ink)


def _place(
    image: Image.Image,
    kind: str,
    color_hex: str,
    center_x: float,
    baseline: float,
    side: int,
    accent: RGB | None = None,
):
    """Paste a silhouette of side pixels, centred on center_x and standing on baseline, with its shadow."""
    color = hex_to_rgb(color_hex)
    accent = accent or ACCENTS[zlib.crc32(kind.encode()) % len(ACCENTS)]
    layer, floor, half = object_layer(kind, color, accent, side)
    x, y = int(center_x - side / 2), int(baseline - floor)
    shadow = _shadow(side, floor, half, strength=70)
    image.paste((0, 0, 0), (x, y), shadow.point(lambda v: int(v * 0.5)))
    image.paste(layer, (x, y), layer)


def _row(image: Image.Image, items: list[tuple[str, str]], left: float, right: float, baseline: float, side: int):
    """Items side by side between left and right, all standing on the same baseline."""
    if not items:
        return
    step = (right - left) / len(items)
    for i, (kind, color_hex) in enumerate(items):
        _place(image, kind, color_hex, left + step * (i + 0.5), baseline, side)


def kit_cover(
    title: str, subtitle: str, items: list[tuple[str, str]], room_hex: str, size: tuple[int, int] = (1200, 800)
) -> Image.Image:
    """items: [(silhouette kind, colour hex)], drawn as a little arrangement over a tinted room."""
    width, height = size
    room = hex_to_rgb(room_hex)
    image = vertical_gradient(size, mix(room, WHITE, 0.86), mix(room, WHITE, 0.66))
    floor = int(height * 0.7)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, floor, width, height), fill=mix(room, WHITE, 0.55))
    draw.rectangle((0, floor, width, floor + 4), fill=mix(room, WHITE, 0.4))
    image = image.convert("RGBA")
    image.alpha_composite(radial_glow(size, (width * 0.5, height * 0.35), width * 0.45, WHITE, 0.5))
    image = image.convert("RGB")
    shown = items[:4]
    side = int(min((width - 60) / max(1, len(shown)) * 1.2, height * 0.8))
    _row(image, shown, 30, width - 30, floor + 30, side)
    band = Image.new("RGBA", (width, int(height * 0.22)), (255, 255, 255, 225))
    image.paste(band, (0, height - band.height), band)
    title_size, lines = fit_lines(title, width - 100, 72, 1)
    draw_text(image, (50, height - band.height + 24), lines[0], title_size, INK)
    sub_size, sub_lines = fit_lines(subtitle, width - 100, 30, 1)
    draw_text(image, (52, height - band.height + 34 + title_size * 1.1), sub_lines[0], sub_size, shade(room, -0.5))
    return image


def collection_hero(
    title: str,
    subtitle: str,
    items: list[tuple[str, str]],
    base_hex: str,
    badge: str,
    size: tuple[int, int] = (1600, 600),
) -> Image.Image:
    width, height = size
    base = hex_to_rgb(base_hex)
    image = diagonal_gradient(size, shade(base, -0.45), shade(base, 0.1)).convert("RGBA")
    image.alpha_composite(radial_glow(size, (width * 0.74, height * 0.55), height * 0.8, shade(base, 0.5), 0.7))
    stripes = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(stripes)
    for i in range(6):  # quiet diagonal bands
        x = width * 0.48 + i * 150
        draw.polygon(
            [(x, height), (x + 60, height), (x + 60 + height * 0.6, 0), (x + height * 0.6, 0)],
            fill=shade(base, 0.3) + (22,),
        )
    image.alpha_composite(stripes)
    image = image.convert("RGB")
    _row(image, items[:3], width * 0.5, width - 40, height * 0.86, int(height * 0.56))
    _badge(image, 80, 70, badge, shade(base, 0.75), shade(base, -0.55))
    title_size, lines = fit_lines(title, width * 0.44, 84, 2)
    y: float = 150
    for line in lines:
        draw_text(image, (80, y), line, title_size, WHITE)
        y += title_size * 1.12
    tagline = subtitle.split(". ")[0].rstrip(".") + "."
    for line in wrap(tagline, 30, width * 0.4)[:3]:
        draw_text(image, (82, y + 16), line, 30, mix(WHITE, base, 0.2))
        y += 40
    return image


def _badge(image: Image.Image, x: float, y: float, text: str, fill: RGB, ink: RGB):
    size = 24
    width = text_width(text, size)
    ImageDraw.Draw(image).rounded_rectangle((x, y, x + width + 36, y + 46), radius=23, fill=fill)
    draw_text(image, (x + 18, y + 10), text, size, ink)


def banner_images(title: str, subtitle: str, button: str, items: list[tuple[str, str]], base_hex: str):
    """(desktop 1600x500, mobile 800x800) slides for the home carousel."""
    base = hex_to_rgb(base_hex)
    light = luminance(base) > 0.6
    ink = INK if light else WHITE
    sub_ink = shade(base, -0.6) if light else mix(WHITE, base, 0.25)
    button_fill, button_ink = (INK, WHITE) if light else (WHITE, shade(base, -0.5))

    desktop = diagonal_gradient((1600, 500), shade(base, -0.15), shade(base, 0.2)).convert("RGBA")
    desktop.alpha_composite(radial_glow((1600, 500), (1200, 260), 430, shade(base, 0.55), 0.8))
    desktop = desktop.convert("RGB")
    _row(desktop, items[:2], 860, 1580, 440, 400)
    title_size, lines = fit_lines(title, 740, 80, 2, minimum=40)
    sub_size, sub_lines = fit_lines(subtitle, 700, 32, 2, minimum=24)
    block = len(lines) * title_size * 1.1 + len(sub_lines) * sub_size * 1.3 + 30 + 80
    y = (500 - block) / 2
    for line in lines:
        draw_text(desktop, (90, y), line, title_size, ink)
        y += title_size * 1.1
    y += 10
    for line in sub_lines:
        draw_text(desktop, (92, y), line, sub_size, sub_ink)
        y += sub_size * 1.3
    _button(desktop, 92, y + 20, button, 26, button_fill, button_ink)

    mobile = vertical_gradient((800, 800), shade(base, -0.1), shade(base, 0.25)).convert("RGBA")
    mobile.alpha_composite(radial_glow((800, 800), (400, 540), 380, shade(base, 0.55), 0.8))
    mobile = mobile.convert("RGB")
    title_size, lines = fit_lines(title, 700, 68, 3, minimum=34)
    y = 56
    for line in lines:
        draw_text(mobile, (400, y), line, title_size, ink, anchor="m")
        y += title_size * 1.1
    sub_size, sub_lines = fit_lines(subtitle, 680, 28, 2, minimum=20)
    for line in sub_lines:
        draw_text(mobile, (400, y + 8), line, sub_size, sub_ink, anchor="m")
        y += sub_size * 1.3
    if items:
        top = y + 20
        side = int(min(460, 680 - top + 60))
        _place(mobile, items[0][0], items[0][1], 400, 670, max(200, side))
    _button(mobile, 400, 700, button, 26, button_fill, button_ink, anchor="m")
    return desktop, mobile


def banner_image(which: str, title: str, subtitle: str, button: str, items: list[tuple[str, str]], base_hex: str):
    """One side of banner_images: which is "desktop" or "mobile"."""
    desktop, mobile = banner_images(title, subtitle, button, items, base_hex)
    return desktop if which == "desktop" else mobile


# --- encoding ----------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=84, optimize=True, progressive=True)
    else:
        image.save(buffer, fmt, optimize=True)
    return buffer.getvalue()


DRAWINGS: dict[str, Callable[..., Image.Image]] = {
    "product": product_image,
    "logo": brand_logo,
    "kit": kit_cover,
    "collection": collection_hero,
    "banner": banner_image,
}


def render(job: tuple[str, tuple, str]) -> bytes:
    """Draw and encode one (drawing, arguments, format) job. Top level, so worker processes can run it."""
    drawing, args, fmt = job
    return encode(DRAWINGS[drawing](*args), fmt)


def render_with_renditions(job: tuple[str, tuple, str]) -> tuple[bytes, list[tuple[int, bytes]]]:
    """`render`, and the file's WebP renditions as catalog.renditions makes them from the stored file (decoded
    from the encoded bytes, so the same pixels): the worker process that drew the picture makes them too,
    instead of the loading process making them all one after another once the drawing is done."""
    from catalog.renditions import rendition_widths, renditions_encoded

    content = render(job)
    picture = Image.open(io.BytesIO(content))
    picture.load()
    return content, renditions_encoded(picture, rendition_widths(picture))
