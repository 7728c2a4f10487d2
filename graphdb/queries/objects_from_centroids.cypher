// Anchor: objects of any class whose centroid lies in the padded bbox, plus the few whose
// extent exceeds the pad (then objects_page.cypher).
CALL () {
  MATCH (o:Object)
  USING INDEX o:Object(centroid)
  WHERE point.withinBBox(
      o.centroid,
      point({longitude: $pad_west, latitude: $pad_south}),
      point({longitude: $pad_east, latitude: $pad_north})
    )
    AND o.state_id = $state_id AND o.extent <= $pad
  RETURN o
  UNION
  MATCH (o:Object)
  USING INDEX o:Object(state_id, extent)
  WHERE o.state_id = $state_id AND o.extent > $pad
  RETURN o
}
