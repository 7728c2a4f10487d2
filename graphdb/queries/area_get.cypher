MATCH (a:Area {name: $name})
RETURN a {.*} AS area, COUNT { MATCH (a)<-[:OF_AREA]-(s:MapState) WHERE s.status <> 'replaced' RETURN DISTINCT s.name } AS states
