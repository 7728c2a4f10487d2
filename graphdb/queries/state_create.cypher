MERGE (a:Area {name: $area})
  ON CREATE SET a.id = randomUUID(), a.created_at = datetime()
CREATE (s:MapState {
  id: $id,
  name: $name,
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
