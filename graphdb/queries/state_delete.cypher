MATCH (s:MapState {id: $state_id})
WHERE s.status = $status
DETACH DELETE s
