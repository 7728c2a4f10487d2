MATCH (:MapState {name: $state})-[:USED_RASTER]->(r:Raster)
OPTIONAL MATCH (s:MapState)-[:USED_RASTER]->(r)
WITH r, s ORDER BY s.name
RETURN r {.*} AS raster, collect(s.name) AS states
ORDER BY raster.sha256
