"""Observed classes: which object classes a map state's source can see, at each scale.

A map says nothing about what its source cannot see: an OSM layer of building footprints is
silent on vegetation, a model trained on five classes is silent on bridges. A diff that read
that silence as "nothing there" would report every object of the other state's extra classes
as appeared or gone (the Atlanta demo: hundreds of alerts about classes OSM never mapped). So
every producer says what its state observes (``SceneGraph.observed``, stored with the map
state by ``graphdb``), and a diff compares only the classes both states observe.

- **Vector** (``ingest.vector.observed``): a layer classed by a user mapping observes every
  class its mapping can yield, found in the file or not (a mapping that names forests says
  that where the file has none, there is none). A layer classed by OSM tags observes every
  class one of whose tag keys is set on some feature: OSM data is often a thematic extract
  that keeps only its themes' keys (building footprints: ``building``), and where a key was
  kept, every feature carrying it was kept too. A class found is always observed; a class
  whose key the file never sets (no ``landuse`` anywhere) is not, even in a full extract of a
  place that has none. At the coarser scales a state also observes what generalisation builds
  from those classes (buildings -> residential blocks -> settlements).
- **Imagery** (``ingest.imagery.segmenter.segmenter_classes``): the classes the segmenter
  (the model) can answer, at each scale only those drawn there
  (``ingest.ontology.classes_at``). A segmenter that names no classes observes every class
  drawn at the scale.

Whatever the rule, a state observes every class it holds at a scale.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.ontology import classes_at, get_class


def observed_at(classes: Iterable[str], scale: int) -> tuple[str, ...]:
    """Those of ``classes`` drawn at ``scale``, in ``CLASS_IDS`` order.

    Raises ``UnknownClass`` for a class the ontology lacks and ``UnknownScale`` for a scale
    off the ladder.
    """
    wanted = {get_class(c).id for c in classes}
    return tuple(c for c in classes_at(scale) if c in wanted)
