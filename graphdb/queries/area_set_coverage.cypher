MATCH (a:Area {id: $id})
SET a.coverage = $coverage
