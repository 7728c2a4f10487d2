// The versions a reference can mean: the current version of a name, the one being written
// under it, or one version by id (each lookup is a unique-constraint seek).
MATCH (s:MapState)-[:OF_AREA]->(a:Area)
WHERE s.head_name = $ref OR s.pending_name = $ref OR s.id = $ref
RETURN s {.*} AS state, a.name AS area,
       coalesce(s.head_name = $ref, false) AS head,
       coalesce(s.pending_name = $ref, false) AS pending
