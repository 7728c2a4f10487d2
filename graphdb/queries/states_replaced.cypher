// Replaced versions (of one name, or of all), newest first within a name: what a retention
// rule may purge.
MATCH (s:MapState)-[:OF_AREA]->(a:Area)
WHERE s.status = $status AND ($name IS NULL OR s.name = $name)
RETURN s {.*} AS state, a.name AS area
ORDER BY s.name, s.version DESC
