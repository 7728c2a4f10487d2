MATCH (s:MapState {name: $name})-[:OF_AREA]->(a:Area)
RETURN s {.*} AS state, a.name AS area
