MATCH (st:MapState {id: $state_id})
WHERE st.status = $status
SET st.updated_at = datetime()
RETURN count(st) AS found
