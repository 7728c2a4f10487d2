"""XYZ imagery tiles from the raster store's COGs, rendered with rio-tiler (``cartography.tiles``).

``/tiles/{sha256}/{z}/{x}/{y}.png`` serves one Web Mercator tile of a registered raster (the
``(:Raster)`` node of that source hash, see ``graphdb.rasters``); ``/tiles/{sha256}/tilejson.json``
describes it, and ``/tiles/states/{name}.json`` lists the rasters a map state was made from.
"""
