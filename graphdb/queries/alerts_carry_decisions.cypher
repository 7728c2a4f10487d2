// Editors' decisions on the alerts of the version that the new state replaced carry over to the
// same changes found again (same predecessor, kind, scale, classes, predicate, and objects of
// the same keys), so a re-ingest does not ask for them twice. Never overwrites a decision.
MATCH (:MapState {id: $old_state_id})<-[:FROM_STATE]-(prev:Alert)-[:TO_STATE]->
      (:MapState {replaced_by: $new_state_id})
WHERE prev.decision IS NOT NULL
OPTIONAL MATCH (po:Object {id: prev.old_object_id})
OPTIONAL MATCH (pn:Object {id: prev.new_object_id})
WITH prev, coalesce(po.key, prev.old_object_id, '') AS old_key,
     coalesce(pn.key, prev.new_object_id, '') AS new_key
MATCH (:MapState {id: $old_state_id})<-[:FROM_STATE]-(al:Alert)-[:TO_STATE]->
      (:MapState {id: $new_state_id})
WHERE al.decision IS NULL AND al.kind = prev.kind AND al.scale = prev.scale
  AND coalesce(al.predicate, '') = coalesce(prev.predicate, '')
  AND coalesce(al.old_class, '') = coalesce(prev.old_class, '')
  AND coalesce(al.new_class, '') = coalesce(prev.new_class, '')
OPTIONAL MATCH (ao:Object {id: al.old_object_id})
OPTIONAL MATCH (an:Object {id: al.new_object_id})
WITH prev, al, old_key, new_key
WHERE coalesce(ao.key, al.old_object_id, '') = old_key
  AND coalesce(an.key, al.new_object_id, '') = new_key
SET al.decision = prev.decision,
  al.decision_comment = prev.decision_comment,
  al.decided_by = prev.decided_by,
  al.decided_at = prev.decided_at,
  al.decision_carried_from = prev.id
RETURN count(al) AS carried
