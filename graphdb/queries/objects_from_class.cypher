// Anchor: a state's objects of some classes and scales (then objects_page.cypher).
MATCH (o:Object)
USING INDEX o:Object(state_id, class, scale)
WHERE o.state_id = $state_id
  AND o.class IN $classes
  AND o.scale >= $scale_min AND o.scale <= $scale_max
