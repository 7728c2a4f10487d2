MATCH (new:MapState {id: $state_id})<-[:TO_STATE]-(al:Alert)-[:FROM_STATE]->(old:MapState)
WHERE al.severity_rank >= $min_rank
RETURN al {
  .id, .kind, .severity, .scale, .message, .old_object_id, .new_object_id, .old_class,
  .new_class, .predicate, .iou, .confidence, .footprint, .class_severity,
  lon: al.location.longitude, lat: al.location.latitude
} AS alert, old.name AS old_state, new.name AS new_state,
       old.id AS old_state_id, new.id AS new_state_id
ORDER BY al.severity_rank DESC, coalesce(al.class_rank, al.severity_rank) DESC,
         coalesce(al.confidence, 0.0) DESC, al.kind, al.id
LIMIT $limit
