"""Drawing maps of the graph: class colours and legend, imagery and vector tiles, pictures.

One place for what the map viewer's API (``api.tiles``, ``api.viewer``) and ``orthograph
render`` both draw, so a class, a colour, a zoom's scale or an imagery stretch is defined once.
Modules: ``legend`` (colours of classes, predicates and changes, and the legend document),
``tiles`` (bands, stretch and XYZ tiles of a stored COG with rio-tiler), ``zooms`` (the one
zoom -> map scale table), ``vector_tiles`` (objects as Mapbox Vector Tiles), ``glyphs`` (the
viewer's label font as SDF glyphs, built at setup), ``scene`` (what one picture shows, read
through ``graphdb``) and ``picture`` (that scene drawn with matplotlib). No torch: the API
imports this package; matplotlib is imported only by ``picture``, which the API never imports.
"""
