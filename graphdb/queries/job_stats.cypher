MATCH (j:Job)
WITH j, CASE
  WHEN j.status IN $terminal AND j.started_at IS NOT NULL AND j.finished_at IS NOT NULL
  THEN duration.inSeconds(j.started_at, j.finished_at)
END AS d
RETURN j.kind AS kind,
       j.status AS status,
       count(j) AS jobs,
       sum(j.runs) AS runs,
       count(d) AS finished,
       sum(coalesce(d.seconds + d.nanosecondsOfSecond / 1e9, 0.0)) AS seconds
