MATCH (o:Object)
USING INDEX o:Object(state_id, class, scale)
WHERE o.state_id = $state_id AND o.class IN $classes AND o.scale = $scale
  AND o.minx <= $east AND o.maxx >= $west AND o.miny <= $north AND o.maxy >= $south
RETURN collect(o.id) AS ids, collect(o.class) AS classes, collect(o.geometry) AS geometries
