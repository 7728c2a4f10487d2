"""What users hand the service, checked once for every entry point, and kept as submitted.

The CLI, the API and the worker tasks all validate names, sizes, scales, bands, dates and paths
with these functions, and copy inputs into the content-addressed input store here, so a job's
bytes are the bytes it was submitted with. The API imports this package (never ``ingest``
beyond the ontology, never ``workers``), so nothing here imports torch or the ingest readers.
"""
