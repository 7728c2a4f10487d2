MATCH (a:Area {name: $area})<-[:OF_AREA]-(s:MapState)
WHERE s.status IN $statuses
RETURN s {.*} AS state, a.name AS area
ORDER BY s.as_of, s.name
