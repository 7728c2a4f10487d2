MATCH (s:MapState {name: $state})
MERGE (r:Raster {sha256: $sha256})
  ON CREATE SET r.registered_at = datetime()
SET r += $props, r.updated_at = datetime()
MERGE (s)-[:USED_RASTER]->(r)
RETURN r.sha256 AS sha256
