
// Page: the anchored objects that meet the bbox and the geometry kind, by id: the first
// $limit after the cursor $after or, with $before, the last $limit before that id. The
// geometry (the bulk of a row) is read only $with_geometry (the API's look-ahead).
WITH o
WHERE o.scale >= $scale_min AND o.scale <= $scale_max
  AND o.minx <= $east AND o.maxx >= $west AND o.miny <= $north AND o.maxy >= $south
  AND ($has_area IS NULL OR (o.area_m2 IS NOT NULL) = $has_area)
  AND ($has_length IS NULL OR (o.length_m IS NOT NULL) = $has_length)
  AND o.id > $after AND ($before IS NULL OR o.id < $before)
WITH o
ORDER BY CASE WHEN $before IS NULL THEN o.id END, o.id DESC
LIMIT $limit
RETURN o {
  .id, .key, .class, .scale, .name, geometry: CASE WHEN $with_geometry THEN o.geometry END,
  .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object
ORDER BY o.id
