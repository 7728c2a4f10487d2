UNWIND $ids AS id
MATCH (start:Object {id: id})
CALL (start) {
  MATCH p = (start)<-[:PART_OF*1..8]-(o:Object)
  WHERE length(p) <= $depth
  WITH o, p
  ORDER BY length(p)
  WITH o, head(collect(p)) AS p
  RETURN o, length(p) AS depth, nodes(p)[-2].id AS via
  ORDER BY depth, o.id
  LIMIT $limit
}
RETURN start.id AS id, o {
  .id, .key, .class, .scale, .name, geometry: CASE WHEN $with_geometry THEN o.geometry END,
  .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object, depth, via
