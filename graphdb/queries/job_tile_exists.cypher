MATCH (t:JobTile {id: $id})
RETURN count(t) > 0 AS found
