MATCH (s:MapState {id: $state_id})
UNWIND $rows AS row
MERGE (o:Object {id: row.id})
SET
  o:$(row.label),
  o.state_id = $state_id,
  o.state = s.name,
  o.key = row.key,
  o.class = row.class,
  o.scale = row.scale,
  o.name = row.name,
  o.geometry = row.geometry,
  o.source_crs = row.source_crs,
  o.centroid = point({longitude: row.cx, latitude: row.cy}),
  o.cell = row.cell,
  o.minx = row.minx,
  o.miny = row.miny,
  o.maxx = row.maxx,
  o.maxy = row.maxy,
  o.extent = row.extent,
  o.area_m2 = row.area_m2,
  o.length_m = row.length_m,
  o.confidence = row.confidence,
  o.source = row.source,
  o.provenance = row.provenance
RETURN count(o) AS written
