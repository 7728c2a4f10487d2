MATCH (j:Job {id: $id})
SET j.locked_at = datetime()
WITH j, j.status IN $from AS finished
FOREACH (_ IN CASE WHEN finished THEN [1] ELSE [] END |
  SET j += $props,
      j.status = $to,
      j.finished_at = datetime(),
      j.updated_at = datetime()
)
RETURN j {.*} AS job, finished
