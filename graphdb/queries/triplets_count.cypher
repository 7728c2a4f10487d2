
// Count: the triplets of the anchored subjects (the filter of triplets_expand.cypher, no cursor).
WITH o AS s
WHERE s.scale >= $scale_min AND s.scale <= $scale_max
  AND s.minx <= $east AND s.maxx >= $west AND s.miny <= $north AND s.maxy >= $south
MATCH (s)-[r:REL_TYPE]-(o:Object)
WHERE CASE $subject_end
    WHEN 'start' THEN startNode(r) = s
    WHEN 'end' THEN endNode(r) = s
    ELSE true
  END
  AND ($object_class IS NULL OR o.class = $object_class)
RETURN count(*) AS total
