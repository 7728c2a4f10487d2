// One transaction: the written version becomes the one its name resolves to, and the version
// it replaces (if any) becomes history; readers see the old version or the new, never a mix.
// A version written for a job commits only while that job is RUNNING, checked under the job's
// write lock, so a cancel and a commit never both win.
MATCH (s:MapState {id: $id})-[:OF_AREA]->(a:Area)
WHERE s.status = $from
OPTIONAL MATCH (j:Job {id: $job_id})
SET j.locked_at = datetime()
WITH s, a, j
WHERE $job_id IS NULL OR j.status = $job_running
OPTIONAL MATCH (old:MapState {head_name: s.name})
// SET and REMOVE on a missing (null) predecessor do nothing.
SET old.status = $replaced, old.replaced_at = datetime(), old.replaced_by = s.id,
    old.updated_at = datetime()
REMOVE old.head_name
WITH s, a
SET s.status = $to, s.committed_at = datetime(), s.updated_at = datetime(), s.head_name = s.name,
    s.observed = coalesce($observed, s.observed)
REMOVE s.pending_name
WITH s, a
CALL (s) {
  MATCH (o:Object)
  WHERE o.state_id = s.id AND o.extent >= 0
  RETURN count(o) AS objects, sum(COUNT { (o)-->(:Object) }) AS relations
}
SET s.object_count = objects, s.relation_count = relations
RETURN s {.*} AS state, a.name AS area, a.id AS area_id, a.coverage AS area_coverage
