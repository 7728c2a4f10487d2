// A state's objects counted by scale and class, from the (state_id, class, scale) index.
MATCH (o:Object)
USING INDEX o:Object(state_id, class, scale)
WHERE o.state_id = $state_id AND o.class IN $classes AND o.scale >= 0
RETURN o.scale AS scale, o.class AS class, count(*) AS objects
