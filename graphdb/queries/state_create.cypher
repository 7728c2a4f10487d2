MERGE (a:Area {name: $area})
  ON CREATE SET a.id = randomUUID(), a.created_at = datetime()
WITH a
OPTIONAL MATCH (v:MapState {name: $name})
WITH a, coalesce(max(v.version), 0) + 1 AS version
CREATE (s:MapState {
  id: $id,
  name: $name,
  version: version,
  pending_name: $name,
  area_id: a.id,
  as_of: $as_of,
  coverage: $coverage,
  source: $source,
  status: $status,
  created_at: datetime(),
  updated_at: datetime()
})
CREATE (s)-[:OF_AREA]->(a)
RETURN s {.*} AS state, a.name AS area
