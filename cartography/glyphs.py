"""Map label glyphs: signed distance fields of a Debian font, in MapLibre's glyph PBF format.

MapLibre draws ``text-field`` labels (road names along lines, place names at points, with its
collision handling) only from SDF glyphs fetched as ``{fontstack}/{range}.pbf``. The viewer
works offline, so they are built here at setup time from DejaVu Sans (Debian's
``fonts-dejavu-core``, Bitstream Vera licence) and served from the viewer's assets folder:
``python -m cartography.glyphs OUT_DIR``.

The format follows the glyph servers MapLibre expects (``sdf-glyph-foundry``): glyphs rendered
at 24 px, a 3 px border of distance field around each bitmap, distances over an 8 px radius
with the edge at 192 of 255 (``value = 255 - 255 * (distance / 8 + 0.25)``, negative inside),
and ``top`` counted from an origin about 26 px above the baseline, as MapLibre aligns its own
locally drawn glyphs with server ones. Ranges cover Latin, its extensions and punctuation: the
scripts of the place names in the shipped data; other ranges are written empty, so a label
with a missing character loses that character, not the request.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from scipy.ndimage import distance_transform_edt

from cartography.fonts import FONT_FILE, FONTSTACK

SIZE_PX = 24
BORDER_PX = 3
RADIUS_PX = 8
CUTOFF = 0.25
TOP_ORIGIN_PX = 26
"""How far above the baseline glyph servers put the origin of ``top`` (MapLibre calibrates its
own glyphs to 27.5; DejaVu's ascent at 24 px sits best with 26)."""
RANGES = (0, 256, 512, 7680, 7936, 8192, 8448)
"""First code points of the 256-wide ranges drawn: Basic Latin and Latin-1, Latin Extended-A
and -B, Latin Extended Additional, Greek Extended, General Punctuation, letterlike symbols."""
LAST_RANGE = 65280
"""Ranges up to here exist as files (empty where not drawn)."""


@dataclass(frozen=True, slots=True)
class Glyph:
    """One code point's SDF bitmap (``(height + 6) x (width + 6)`` bytes) and metrics."""

    code: int
    bitmap: bytes
    width: int
    height: int
    left: int
    top: int
    advance: int


def draw_glyph(font: ImageFont.FreeTypeFont, code: int, missing: bytes) -> Glyph | None:
    """The SDF glyph of ``code``, or None when the font draws it as ``missing`` (its
    ``.notdef`` box) or not at all."""
    char = chr(code)
    if not char.isprintable():
        return None
    mask = font.getmask(char)
    if bytes(mask) == missing or (not mask.getbbox() and not char.isspace()):
        return None
    advance = round(font.getlength(char))
    x0, y0, x1, y1 = (round(v) for v in font.getbbox(char, anchor="ls"))
    width, height = max(x1 - x0, 0), max(y1 - y0, 0)
    if width == 0 or height == 0:
        return Glyph(code, b"", 0, 0, 0, 0, advance)
    canvas = Image.new("L", (width + 2 * BORDER_PX, height + 2 * BORDER_PX), 0)
    ImageDraw.Draw(canvas).text(
        (BORDER_PX - x0, BORDER_PX - y0), char, font=font, fill=255, anchor="ls"
    )
    coverage = np.asarray(canvas, dtype=np.float64) / 255.0
    return Glyph(
        code=code,
        bitmap=sdf(coverage).tobytes(),
        width=width,
        height=height,
        left=x0,
        top=-y0 - TOP_ORIGIN_PX,
        advance=advance,
    )


def sdf(coverage: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Signed distance field of an anti-aliased coverage image (0 outside, 1 inside); the
    half-covered edge pixels count half a pixel to either side."""
    inside = coverage >= 0.5
    if not inside.any():
        return np.zeros(coverage.shape, dtype=np.uint8)
    outer = np.asarray(distance_transform_edt(~inside))
    inner = np.asarray(distance_transform_edt(inside))
    distance = np.where(inside, 0.5 - inner, outer - 0.5)
    edge = (coverage > 0) & (coverage < 1)
    distance[edge] = 0.5 - coverage[edge]
    values = 255.0 - 255.0 * (distance / RADIUS_PX + CUTOFF)
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def glyph_range(font: ImageFont.FreeTypeFont, start: int) -> list[Glyph]:
    """The glyphs the font has among the 256 code points from ``start``."""
    missing = bytes(font.getmask(chr(0xE000)))
    drawn = (draw_glyph(font, c, missing) for c in range(start, start + 256))
    return [g for g in drawn if g is not None]


def encode(fontstack: str, span: str, glyphs: Iterable[Glyph]) -> bytes:
    """The ``glyphs`` protobuf message: one ``fontstack`` with its range and glyphs."""
    stack = _text(1, fontstack) + _text(2, span)
    for glyph in glyphs:
        body = (
            _varint_field(1, glyph.code)
            + (_bytes(2, glyph.bitmap) if glyph.bitmap else b"")
            + _varint_field(3, glyph.width)
            + _varint_field(4, glyph.height)
            + _varint_field(5, _zigzag(glyph.left))
            + _varint_field(6, _zigzag(glyph.top))
            + _varint_field(7, glyph.advance)
        )
        stack += _bytes(3, body)
    return _bytes(1, stack)


def build(out_dir: Path, font_file: Path = FONT_FILE) -> int:
    """Write ``out_dir/<FONTSTACK>/<range>.pbf`` for every range; returns glyphs drawn."""
    if not font_file.is_file():
        raise FileNotFoundError(
            f"{font_file} is missing: install Debian's fonts-dejavu-core (scripts/setup.sh does)"
        )
    font = ImageFont.truetype(str(font_file), SIZE_PX, layout_engine=ImageFont.Layout.BASIC)
    folder = out_dir / FONTSTACK
    folder.mkdir(parents=True, exist_ok=True)
    drawn = 0
    for start in range(0, LAST_RANGE + 1, 256):
        glyphs = glyph_range(font, start) if start in RANGES else []
        span = f"{start}-{start + 255}"
        (folder / f"{span}.pbf").write_bytes(encode(FONTSTACK, span, glyphs))
        drawn += len(glyphs)
    return drawn


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(value: int) -> int:
    """Protobuf's ``sint32`` encoding (small negatives stay short)."""
    return (value << 1) ^ (value >> 31)


def _varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _text(number: int, value: str) -> bytes:
    return _bytes(number, value.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder the font stack folder goes in")
    args = parser.parse_args()
    drawn = build(args.out_dir)
    print(f"glyphs: {drawn} of {FONTSTACK} in {args.out_dir}")


if __name__ == "__main__":
    main()
