// Every version of one name, newest first.
MATCH (s:MapState {name: $name})-[:OF_AREA]->(a:Area)
RETURN s {.*} AS state, a.name AS area
ORDER BY s.version DESC
