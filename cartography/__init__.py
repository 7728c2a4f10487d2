"""Drawing maps of the graph: class colours and legend, imagery tiles, static pictures.

One place for what the map viewer's API (``api.tiles``, ``api.viewer``) and ``orthograph
render`` both draw, so a class, a colour or an imagery stretch is defined once. Modules:
``legend`` (colours of classes, predicates and changes, and the legend document), ``tiles``
(bands, stretch and XYZ tiles of a stored COG with rio-tiler), ``scene`` (what one picture
shows, read through ``graphdb``) and ``picture`` (that scene drawn with matplotlib), ``glyphs`` (the viewer's label font as SDF
glyphs, built at setup). No torch:
the API imports this package; matplotlib is imported only by ``picture``, which the API never
imports.
"""
