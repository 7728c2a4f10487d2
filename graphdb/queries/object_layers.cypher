// Layers: a state's objects by scale and geometry kind (see reader.geometry_params: a polygon
// has an area, a line a length, a point neither), with how many and the CRSs they came from.
MATCH (o:Object)
USING INDEX o:Object(state_id, extent)
WHERE o.state_id = $state_id AND o.extent >= 0
RETURN o.scale AS scale, o.area_m2 IS NOT NULL AS has_area, o.length_m IS NOT NULL AS has_length,
  count(o) AS objects, collect(DISTINCT o.source_crs) AS source_crs
ORDER BY scale, has_area DESC, has_length DESC
