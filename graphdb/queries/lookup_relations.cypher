UNWIND $ids AS id
MATCH (s:Object {id: id})
CALL (s) {
  MATCH (s)-[r]-(o:Object)
  WHERE type(r) IN $types
    AND CASE $end
      WHEN 'start' THEN startNode(r) = s
      WHEN 'end' THEN endNode(r) = s
      ELSE true
    END
  RETURN r, o
  ORDER BY type(r), o.id
  LIMIT $limit
}
RETURN
  s.id AS id,
  type(r) AS type,
  startNode(r) = s AS outgoing,
  r {.confidence, .origin, .cross_scale} AS relation,
  o {
    .id, .key, .class, .scale, .name, geometry: CASE WHEN $with_geometry THEN o.geometry END,
  .state_id, .confidence, .source, .source_crs,
    .area_m2, .length_m, .provenance
  } AS other
