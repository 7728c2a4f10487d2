MATCH (o:Object)
WHERE o.state_id = $state_id AND o.extent >= 0
WITH o LIMIT 1
RETURN count(o) > 0 AS found
