MATCH (:MapState {id: $state_id})<-[:FROM_STATE|TO_STATE]-(al:Alert)
WITH DISTINCT al LIMIT $batch
DETACH DELETE al
RETURN count(*) AS deleted
