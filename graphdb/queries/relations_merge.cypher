UNWIND $rows AS row
MATCH (a:Object {id: row.a})
MATCH (b:Object {id: row.b})
MERGE (a)-[r:REL_TYPE]->(b)
SET r.confidence = row.confidence, r.origin = row.origin, r.cross_scale = row.cross_scale
RETURN count(r) AS written
