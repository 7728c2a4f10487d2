
// Count: the anchored objects that meet the bbox (the filter of objects_page.cypher, no cursor).
WITH o
WHERE o.scale >= $scale_min AND o.scale <= $scale_max
  AND o.minx <= $east AND o.maxx >= $west AND o.miny <= $north AND o.maxy >= $south
  AND ($has_area IS NULL OR (o.area_m2 IS NOT NULL) = $has_area)
  AND ($has_length IS NULL OR (o.length_m IS NOT NULL) = $has_length)
  AND ($text IS NULL OR toLower(o.name) CONTAINS $text)
RETURN count(o) AS total
