MATCH p = (:Object {id: $id})-[:PART_OF*1..8]->(o:Object)
WHERE length(p) <= $depth
WITH o, p
ORDER BY length(p)
WITH o, head(collect(p)) AS p
RETURN o {
  .id, .key, .class, .scale, .name, .geometry, .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object, length(p) AS depth, nodes(p)[-2].id AS via
ORDER BY depth, object.id
LIMIT $limit
