"""Label glyphs as MapLibre reads them: one font stack per range file, SDF bitmaps with the
3 px border, and the characters of the shipped place names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cartography.fonts import FONT_FILE, FONTSTACK
from cartography.glyphs import BORDER_PX, Glyph, build, encode
from tests.support.skips import missing

Message = dict[int, list[int | bytes]]


def fields(data: bytes) -> Message:
    """A protobuf message's fields by number (varints as ints, length-delimited as bytes)."""
    found: Message = {}
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            found.setdefault(number, []).append(value)
        elif wire == 2:
            size, at = _varint(data, at)
            found.setdefault(number, []).append(data[at : at + size])
            at += size
        else:
            raise AssertionError(f"unexpected wire type {wire}")
    return found


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def number(message: Message, field: int, *, signed: bool = False) -> int:
    value = message[field][0]
    assert isinstance(value, int)
    return (value >> 1) ^ -(value & 1) if signed else value


def blob(message: Message, field: int) -> bytes:
    value = message[field][0]
    assert isinstance(value, bytes)
    return value


def glyphs_of(pbf: bytes) -> tuple[str, str, dict[int, Message]]:
    stack = fields(blob(fields(pbf), 1))
    glyphs = {}
    for raw in stack.get(3, []):
        assert isinstance(raw, bytes)
        glyph = fields(raw)
        glyphs[number(glyph, 1)] = glyph
    return blob(stack, 1).decode(), blob(stack, 2).decode(), glyphs


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not FONT_FILE.is_file():
        missing(str(FONT_FILE), "apt-get install fonts-dejavu-core (scripts/setup.sh does)")
    out = tmp_path_factory.mktemp("glyphs")
    assert build(out) > 1000
    return out / FONTSTACK


def test_latin_range_holds_the_letters_of_place_names(built: Path) -> None:
    name, span, glyphs = glyphs_of((built / "0-255.pbf").read_bytes())
    assert (name, span) == (FONTSTACK, "0-255")
    for char in "Vaduz Schaan Triesen Rheinbrücke Äule ß":
        assert ord(char) in glyphs, char
    a = glyphs[ord("A")]
    width, height = number(a, 3), number(a, 4)
    side = (height + 2 * BORDER_PX, width + 2 * BORDER_PX)
    field = np.frombuffer(blob(a, 2), dtype=np.uint8)
    assert field.size == side[0] * side[1]
    field = field.reshape(side)
    assert field[0, 0] < 100 < 200 < field.max()  # far outside is low, the stroke high
    assert number(a, 6, signed=True) < 0  # top counts from an origin above the glyph
    assert number(glyphs[ord(" ")], 7) > 0  # a space advances


def test_ranges_without_drawn_glyphs_are_empty_but_present(built: Path) -> None:
    name, span, glyphs = glyphs_of((built / "19968-20223.pbf").read_bytes())
    assert (name, span, glyphs) == (FONTSTACK, "19968-20223", {})
    assert len(list(built.glob("*.pbf"))) == 256


def test_negative_metrics_round_trip() -> None:
    glyphs = glyphs_of(encode("S", "0-255", [Glyph(65, b"\x00" * 49, 1, 1, -3, -20, 7)]))[2]
    assert number(glyphs[65], 5, signed=True) == -3
    assert number(glyphs[65], 6, signed=True) == -20
