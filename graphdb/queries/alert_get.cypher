UNWIND $ids AS id
MATCH (al:Alert {id: id})-[:TO_STATE]->(new:MapState)-[:OF_AREA]->(a:Area)
WHERE new.status IN $readable
MATCH (al)-[:FROM_STATE]->(old:MapState)
RETURN al {
  .id, .kind, .severity, .scale, .message, .old_object_id, .new_object_id, .old_class,
  .new_class, .predicate, .iou, .confidence, .footprint, .class_severity, .created_at,
  .decision, .decision_comment, .decided_at,
  .decided_by, lon: al.location.longitude, lat: al.location.latitude
} AS alert, old.name AS old_state, new.name AS new_state,
       old.id AS old_state_id, new.id AS new_state_id, a.name AS area
