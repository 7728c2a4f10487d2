MATCH (o:Object)
USING INDEX o:Object(state_id, class, scale)
WHERE o.state_id = $state_id
  AND o.class IN $classes
  AND o.scale >= $scale_min AND o.scale <= $scale_max
  AND o.minx <= $east AND o.maxx >= $west AND o.miny <= $north AND o.maxy >= $south
  AND o.id > $after
  AND toLower(o.name) CONTAINS $text
RETURN o {
  .id, .key, .class, .scale, .name, geometry: CASE WHEN $with_geometry THEN o.geometry END,
  .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object
ORDER BY o.id
LIMIT $limit
