MATCH (v:SchemaVersion)
RETURN coalesce(max(v.version), 0) AS version
