MATCH (a:Area {name: $name})
RETURN a {.*} AS area, COUNT { (a)<-[:OF_AREA]-(:MapState) } AS states
