MATCH (a:Area {name: $old})
SET a.name = $new
RETURN a {.*} AS area, COUNT { (a)<-[:OF_AREA]-(:MapState) } AS states
