// A reference names the current version (first), the version being written, or a version id.
MATCH (v:MapState)
WHERE v.head_name = $state OR v.pending_name = $state OR v.id = $state
WITH v ORDER BY v.head_name IS NULL LIMIT 1
MATCH (v)-[:USED_RASTER]->(r:Raster)
OPTIONAL MATCH (s:MapState)-[:USED_RASTER]->(r)
WITH r, s ORDER BY s.name
RETURN r {.*} AS raster, collect(DISTINCT s.name) AS states
ORDER BY raster.sha256
