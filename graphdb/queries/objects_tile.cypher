// Tile: the anchored objects of one scale whose bbox meets the tile's, the largest first
// (extent: centroid to farthest bbox edge, degrees; then by id), at most $limit, with only
// what a map tile draws.
WITH o
WHERE o.scale >= $scale_min AND o.scale <= $scale_max
  AND o.minx <= $east AND o.maxx >= $west AND o.miny <= $north AND o.maxy >= $south
WITH o
ORDER BY o.extent DESC, o.id
LIMIT $limit
RETURN o.id AS id, o.class AS class, o.name AS name, o.geometry AS geometry
