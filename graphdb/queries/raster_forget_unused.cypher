MATCH (r:Raster)
WHERE r.sha256 IN $shas AND NOT (r)<-[:USED_RASTER]-(:MapState)
DELETE r
RETURN count(r) AS deleted
