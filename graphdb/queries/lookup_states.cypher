MATCH (s:MapState)-[:OF_AREA]->(a:Area)
WHERE (s.id IN $ids OR s.name IN $names) AND s.status IN $readable
RETURN s {.*} AS state, a.name AS area
