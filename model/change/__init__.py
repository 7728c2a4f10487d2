"""Change evidence from the pixels of two images (issue 18): the model's maps of each stored
image (``maps``), the per-pixel evidence between two readings (``evidence``), its calibration
on real change pairs (``calibration``), and the source the diff asks (``source``)."""
