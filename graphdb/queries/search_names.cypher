CALL db.index.fulltext.queryNodes('object_names', $text) YIELD node, score
WHERE node.state_id = $state_id
RETURN node {
  .id, .key, .class, .scale, .name, .geometry, .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object
ORDER BY score DESC, node.id
LIMIT $limit
