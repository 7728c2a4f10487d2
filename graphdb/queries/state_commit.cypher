MATCH (s:MapState {id: $id})-[:OF_AREA]->(a:Area)
WHERE s.status = $from
SET s.status = $to, s.committed_at = datetime()
WITH s, a
CALL (s) {
  MATCH (o:Object)
  WHERE o.state_id = s.id AND o.extent >= 0
  RETURN count(o) AS objects, sum(COUNT { (o)-->(:Object) }) AS relations
}
SET s.object_count = objects, s.relation_count = relations
RETURN s {.*} AS state, a.name AS area, a.id AS area_id, a.coverage AS area_coverage
