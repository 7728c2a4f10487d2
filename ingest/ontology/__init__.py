"""The ontology: object classes, predicates and map scales, the one place that defines them.

Every other package (vector and raster ingest, the relation engine, the model, the graph, the
API) takes its ids, scales and thresholds from here. Import-light on purpose: only the standard
library, so the API process can import it without torch or GDAL.

- ``scales``: the scale ladder (1:2,000, 1:10,000, 1:50,000) and which scales an image serves;
- ``classes``: the 32 object classes with their scales, geometry and OSM tags;
- ``osm``: classifying an OSM feature by its tags, and its vertical layer;
- ``predicates``: the 16 predicates with their definitions, inverses and storage direction;
- ``names``: the UPPER_SNAKE spelling used by GraphQL enums and Neo4j relationship types, and
  the PascalCase one of the class labels of object nodes.
"""

from ingest.ontology.classes import (
    CLASS_IDS,
    CLASS_NODE_LABELS,
    CLASSES,
    LAND_COVER_CLASSES,
    STUFF_CLASSES,
    ObjectClass,
    classes_at,
    get_class,
)
from ingest.ontology.names import graphql_enum_name, node_label
from ingest.ontology.osm import OSM_KEYS, OSM_PRECEDENCE, classify_osm, osm_layer
from ingest.ontology.predicates import (
    ADJACENT_MAX_OVERLAP,
    ALONG_MAX_ANGLE_DEG,
    ALONG_MIN_SHARE,
    COMPOSITE_CLASSES,
    INSIDE_MIN_SHARE,
    PART_OF_MIN_SHARE,
    PREDICATE_IDS,
    PREDICATES,
    SERVES_PAIRS,
    WATER_CLASSES,
    Predicate,
    canonical_triplet,
    get_predicate,
    relationship_type,
)
from ingest.ontology.scales import (
    MIN_SHORT_SIDE_PX,
    SCALE_DENOMINATORS,
    SCALES,
    Scale,
    applicable_scales,
    get_scale,
)
from ingest.ontology.tags import OsmTagRule

__all__ = [
    "ADJACENT_MAX_OVERLAP",
    "ALONG_MAX_ANGLE_DEG",
    "ALONG_MIN_SHARE",
    "CLASSES",
    "CLASS_IDS",
    "CLASS_NODE_LABELS",
    "COMPOSITE_CLASSES",
    "INSIDE_MIN_SHARE",
    "LAND_COVER_CLASSES",
    "MIN_SHORT_SIDE_PX",
    "OSM_KEYS",
    "OSM_PRECEDENCE",
    "PART_OF_MIN_SHARE",
    "PREDICATES",
    "PREDICATE_IDS",
    "SCALES",
    "SCALE_DENOMINATORS",
    "SERVES_PAIRS",
    "STUFF_CLASSES",
    "WATER_CLASSES",
    "ObjectClass",
    "OsmTagRule",
    "Predicate",
    "Scale",
    "applicable_scales",
    "canonical_triplet",
    "classes_at",
    "classify_osm",
    "get_class",
    "get_predicate",
    "get_scale",
    "graphql_enum_name",
    "node_label",
    "osm_layer",
    "relationship_type",
]
