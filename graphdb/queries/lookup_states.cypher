// By id: any version a reader may see (replaced ones too); by name: the current version.
MATCH (s:MapState)-[:OF_AREA]->(a:Area)
WHERE (s.id IN $ids AND s.status IN $historic) OR (s.head_name IN $names AND s.status IN $readable)
RETURN s {.*} AS state, a.name AS area
