MATCH (t:JobTile)
WHERE t.job_id = $job_id
WITH t LIMIT $batch
DELETE t
RETURN count(*) AS deleted
