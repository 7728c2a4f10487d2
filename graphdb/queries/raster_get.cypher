MATCH (r:Raster {sha256: $sha256})
OPTIONAL MATCH (s:MapState)-[:USED_RASTER]->(r)
WITH r, s ORDER BY s.name
RETURN r {.*} AS raster, collect(s.name) AS states
