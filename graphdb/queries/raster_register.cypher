// A reference names the version being written (first), the current version, or a version id.
MATCH (s:MapState)
WHERE s.pending_name = $state OR s.head_name = $state OR s.id = $state
WITH s ORDER BY s.pending_name IS NULL LIMIT 1
MERGE (r:Raster {sha256: $sha256})
  ON CREATE SET r.registered_at = datetime()
SET r += $props, r.updated_at = datetime()
MERGE (s)-[:USED_RASTER]->(r)
RETURN r.sha256 AS sha256
