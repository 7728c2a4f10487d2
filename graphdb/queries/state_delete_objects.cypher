MATCH (o:Object)
WHERE o.state_id = $state_id AND o.extent >= 0
WITH o LIMIT $batch
DETACH DELETE o
RETURN count(*) AS deleted
