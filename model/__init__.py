"""The MSGG-AI network, its datasets, training and evaluation (torch lives only here)."""
