// The alert feed (see alert_filter.cypher), most severe first, then newest, after the
// (severity, time, id) keyset.
WITH al, new, a
WHERE $after_at IS NULL
   OR al.severity_rank < $after_rank
   OR (al.severity_rank = $after_rank AND (
         al.created_at < $after_at
         OR (al.created_at = $after_at AND al.id > $after_id)))
MATCH (al)-[:FROM_STATE]->(old:MapState)
RETURN al {
  .id, .kind, .severity, .scale, .message, .old_object_id, .new_object_id, .old_class,
  .new_class, .predicate, .iou, .confidence, .footprint, .class_severity, .created_at,
  .decision, .decision_comment, .decided_at,
  .decided_by, lon: al.location.longitude, lat: al.location.latitude
} AS alert, old.name AS old_state, new.name AS new_state,
       old.id AS old_state_id, new.id AS new_state_id, a.name AS area
ORDER BY al.severity_rank DESC, al.created_at DESC, al.id
LIMIT $limit
