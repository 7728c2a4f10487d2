UNWIND $keys AS key
MATCH (o:Object {state_id: $state_id, key: key})
RETURN key, o.id AS id
