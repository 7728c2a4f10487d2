MATCH (t:JobTile)
WHERE t.job_id = $job_id
RETURN t.scale AS scale, t.row AS row, t.col AS col
