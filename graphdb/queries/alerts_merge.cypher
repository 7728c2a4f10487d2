MATCH (old:MapState {id: $old_state_id})
MATCH (new:MapState {id: $new_state_id})
UNWIND $rows AS row
MERGE (al:Alert {id: row.id})
  ON CREATE SET al.created_at = datetime()
SET al += row.props, al.location = point({longitude: row.lon, latitude: row.lat})
MERGE (al)-[:FROM_STATE]->(old)
MERGE (al)-[:TO_STATE]->(new)
RETURN count(al) AS written
