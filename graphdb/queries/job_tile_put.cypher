MERGE (t:JobTile {id: $id})
  ON CREATE SET t += $props, t.created_at = datetime()
RETURN t.id AS id
