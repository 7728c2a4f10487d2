MATCH (s:MapState {id: $id})-[:OF_AREA]->(a:Area)<-[:OF_AREA]-(p:MapState)
WHERE p.status = $status AND p.as_of < s.as_of
RETURN p {.*} AS state, a.name AS area
ORDER BY p.as_of DESC, p.committed_at DESC
LIMIT 1
