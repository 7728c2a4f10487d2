MATCH (a:Area)
RETURN a {.*} AS area, COUNT { MATCH (a)<-[:OF_AREA]-(s:MapState) WHERE s.status <> 'replaced' RETURN DISTINCT s.name } AS states
ORDER BY a.name
