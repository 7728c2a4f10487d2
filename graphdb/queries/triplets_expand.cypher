
// Triplets of the anchored subjects o that meet the bbox, after the (subject, object) cursor.
// Each side's geometry is read only when asked ($subject_geometry, $object_geometry).
WITH o AS s
WHERE s.scale >= $scale_min AND s.scale <= $scale_max
  AND s.minx <= $east AND s.maxx >= $west AND s.miny <= $north AND s.maxy >= $south
  AND s.id >= $after_subject
MATCH (s)-[r:REL_TYPE]-(o:Object)
WHERE CASE $subject_end
    WHEN 'start' THEN startNode(r) = s
    WHEN 'end' THEN endNode(r) = s
    ELSE true
  END
  AND ($object_class IS NULL OR o.class = $object_class)
  AND (s.id > $after_subject OR o.id > $after_object)
RETURN
  s {
    .id, .key, .class, .scale, .name, geometry: CASE WHEN $subject_geometry THEN s.geometry END,
    .state_id, .confidence, .source, .source_crs,
    .area_m2, .length_m, .provenance
  } AS subject,
  r {.confidence, .origin, .cross_scale} AS relation,
  o {
    .id, .key, .class, .scale, .name, geometry: CASE WHEN $object_geometry THEN o.geometry END,
    .state_id, .confidence, .source, .source_crs,
    .area_m2, .length_m, .provenance
  } AS object
ORDER BY s.id, o.id
LIMIT $limit
