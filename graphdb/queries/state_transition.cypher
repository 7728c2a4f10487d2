MATCH (s:MapState {id: $id})-[:OF_AREA]->(a:Area)
WHERE s.status IN $from
SET s.status = $to, s.updated_at = datetime()
RETURN s {.*} AS state, a.name AS area
