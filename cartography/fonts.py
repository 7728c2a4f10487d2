"""The viewer's one label font: its stack name and the Debian file it is drawn from.

Apart from ``cartography.glyphs`` (which draws it with Pillow and SciPy at setup time) so the
API can name the stack without importing either: the API image has no SciPy.
"""

from __future__ import annotations

from pathlib import Path

FONTSTACK = "DejaVu Sans Book"
"""The font stack the viewer's style names (``text-font``) and the glyph folder is called."""
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
"""DejaVu Sans from Debian's ``fonts-dejavu-core`` (Bitstream Vera licence)."""
