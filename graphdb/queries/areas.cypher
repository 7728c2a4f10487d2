MATCH (a:Area)
RETURN a {.*} AS area, COUNT { (a)<-[:OF_AREA]-(:MapState) } AS states
ORDER BY a.name
