"""Choose which bands of a raster make the red, green and blue channels the model sees.

The segmenter works on 3-channel images. The choice, in order:

1. explicit ``bands`` from the user (1-based GDAL band numbers): three bands ``(r, g, b)``, or
   one band, which is used as a panchromatic image;
2. the bands whose colour interpretation is red, green and blue;
3. a single data band (an alpha band beside it is a mask, not data): **panchromatic, expanded
   to three equal channels** ``(b, b, b)`` so the same model runs on it (its colour features
   then carry no information, which is the honest reading of a gray image);
4. otherwise, with three or more data bands, the first three.

Two data bands, a palette band (indices into a colour table, not intensities) or a band number the
file does not have are refused: there is no sound guess for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasterio.enums import ColorInterp

from ingest.errors import UnsupportedBandLayout

RGB = tuple[int, int, int]


def _explicit(bands: Sequence[int], count: int, path: str) -> RGB:
    chosen = tuple(bands)
    if len(chosen) not in (1, 3):
        raise UnsupportedBandLayout(
            f"bands={chosen} for {path!r}: give three band numbers (red, green, blue) or one "
            "(panchromatic)."
        )
    missing = [band for band in chosen if not 1 <= band <= count]
    if missing:
        raise UnsupportedBandLayout(
            f"{path!r} has bands 1..{count}; band(s) {missing} do not exist: choose band "
            "numbers in that range."
        )
    if len(chosen) == 1:
        return (chosen[0], chosen[0], chosen[0])
    return (chosen[0], chosen[1], chosen[2])


def choose_bands(colorinterp: Sequence[ColorInterp], bands: Sequence[int] | None, path: str) -> RGB:
    """The 1-based band numbers ``(r, g, b)`` to read; equal numbers mean panchromatic.

    ``colorinterp`` is the dataset's colour interpretation per band (its length is the band
    count); ``path`` only goes into error messages.
    """
    count = len(colorinterp)
    if bands is not None:
        return _explicit(bands, count, path)
    if ColorInterp.palette in colorinterp:
        raise UnsupportedBandLayout(
            f"{path!r} is a palette (colour-table) image; expand it to RGB first "
            "(gdal_translate -expand rgb) or name the bands to use."
        )
    order: dict[ColorInterp, int] = {}
    for index, interp in enumerate(colorinterp):
        order.setdefault(interp, index + 1)
    if all(c in order for c in (ColorInterp.red, ColorInterp.green, ColorInterp.blue)):
        return (order[ColorInterp.red], order[ColorInterp.green], order[ColorInterp.blue])
    data = [index + 1 for index, interp in enumerate(colorinterp) if interp != ColorInterp.alpha]
    if len(data) == 1:
        return (data[0], data[0], data[0])
    if len(data) >= 3:
        return (data[0], data[1], data[2])
    raise UnsupportedBandLayout(
        f"{path!r} has {len(data)} non-alpha bands without red/green/blue colour "
        "interpretation; orthograph reads RGB (3+ bands) or panchromatic (1 band): name the "
        "bands to use, e.g. --bands 1,2,1."
    )
