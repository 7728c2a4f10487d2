UNWIND $ids AS id
MATCH (o:Object {id: id})
MATCH (st:MapState {id: o.state_id})
WHERE st.status IN $readable
RETURN o {
  .id, .key, .class, .scale, .name, .geometry, .state_id, .confidence, .source, .source_crs,
  .area_m2, .length_m, .provenance
} AS object
