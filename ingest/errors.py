"""Errors of the ingest package: one base class, named subclasses that also inherit a builtin.

Each message says what was wrong and what to do; the CLI, the workers and the API translate
these once, at their boundary.
"""


class IngestError(Exception):
    """Base class of everything ingest refuses."""


class UnknownClass(IngestError, ValueError):
    """An object class id that the ontology does not define."""


class UnknownPredicate(IngestError, ValueError):
    """A predicate id that the ontology does not define."""


class UnknownScale(IngestError, ValueError):
    """A map scale denominator that is not on the configured ladder."""


class UnknownCRS(IngestError, ValueError):
    """A coordinate reference system that cannot be read or has no EPSG code."""


class MissingCRS(IngestError, ValueError):
    """A vector file without a coordinate reference system."""


class UnsupportedFormat(IngestError, ValueError):
    """A vector file whose format orthograph does not read."""


class EmptySource(IngestError, ValueError):
    """A vector file (or layer) without a single usable feature."""


class UnknownLayer(IngestError, LookupError):
    """A layer name that the vector file does not hold, or a choice between several."""


class InvalidMapping(IngestError, ValueError):
    """A class-mapping file that is malformed or does not fit the data."""


class RasterNotFound(IngestError, FileNotFoundError):
    """An imagery path that does not exist."""


class NotARaster(IngestError, ValueError):
    """A file that GDAL does not recognise as a raster (a text file, a vector-only file)."""


class CorruptRaster(IngestError, ValueError):
    """A raster whose header or pixel blocks cannot be read (truncated or damaged file)."""


class EmptyRaster(IngestError, ValueError):
    """A raster of zero bytes or without a single valid (non-nodata) pixel."""


class MissingGeoreference(IngestError, ValueError):
    """A raster without a CRS or without a geotransform, so pixels have no place on the map."""


class UnsupportedBandLayout(IngestError, ValueError):
    """A band count or band choice that does not give one RGB or one panchromatic image."""


class UnsupportedDtype(IngestError, TypeError):
    """A pixel data type orthograph cannot turn into 8-bit RGB (complex samples)."""


class RasterTooLarge(IngestError, ValueError):
    """A raster whose declared size exceeds the configured pixel limit."""


class NoApplicableScale(IngestError, ValueError):
    """An image too small or too coarse for every map scale of the ladder."""


class MissingSource(IngestError, FileNotFoundError):
    """An input path that does not exist or is not a file."""


class NonCanonicalPredicate(IngestError, ValueError):
    """The inverse name of a predicate pair where only the stored name is allowed (a Neo4j type)."""


class InvalidTiling(IngestError, ValueError):
    """A tile size or overlap that cannot cut a level into tiles (overlap >= tile size)."""


class InvalidTileMask(IngestError, ValueError):
    """A segmenter's tile mask of the wrong shape or type, or a score outside [0, 1]."""


class OffGridPolygon(IngestError, ValueError):
    """A tile polygon whose vertices are not on the pixel grid of the level it is merged on."""


class DuplicateKey(IngestError, ValueError):
    """Two objects of one state with the same key (relations refer to objects by key)."""


class InvalidSegmentation(IngestError, ValueError):
    """A segmenter's answer that does not fit its tiles (count, triplet indices, predicates)."""


class SegmenterUnavailable(IngestError, RuntimeError):
    """The segmenter cannot be loaded (a missing module or factory, weights that fail)."""


class InvalidLabels(IngestError, ValueError):
    """Ground-truth labels that cannot be laid over the imagery (column, CRS, class codes)."""


class RasterStoreError(IngestError, OSError):
    """The raster store cannot be reached or written (a bad URI, a missing fsspec backend)."""


class InvalidGeometry(IngestError, ValueError):
    """A feature whose coordinates cannot be used: undecodable (a ring of too few points), NaN
    or infinite, or outside the valid area of the file's CRS (a wrong CRS declaration)."""


class EmptyResult(IngestError, ValueError):
    """An ingest that produced no object at any scale: there is nothing to commit."""
