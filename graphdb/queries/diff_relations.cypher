MATCH (a:Object)
USING INDEX a:Object(state_id, class, scale)
WHERE a.state_id = $state_id AND a.class IN $classes AND a.scale = $scale
  AND a.minx <= $east AND a.maxx >= $west AND a.miny <= $north AND a.maxy >= $south
MATCH (a)-[r]->(b:Object)
WHERE b.scale = $scale
RETURN collect(a.id) AS subjects, collect(type(r)) AS types, collect(b.id) AS objects
