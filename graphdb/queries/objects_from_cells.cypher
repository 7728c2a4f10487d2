// Anchor: objects of some classes whose centroid lies in the grid cells of the padded bbox,
// plus the few whose extent exceeds the pad (then objects_page.cypher).
CALL () {
  MATCH (o:Object)
  USING INDEX o:Object(state_id, class, cell)
  WHERE o.state_id = $state_id AND o.class IN $classes AND o.cell IN $cells
    AND o.extent <= $pad
  RETURN o
  UNION
  MATCH (o:Object)
  USING INDEX o:Object(state_id, extent)
  WHERE o.state_id = $state_id AND o.extent > $pad AND o.class IN $classes
  RETURN o
}
