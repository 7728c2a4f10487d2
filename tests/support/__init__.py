"""Helpers every test package shares: finding real sample data, skipping honestly, and the
ground-truth segmenter that answers tiles from labels."""
