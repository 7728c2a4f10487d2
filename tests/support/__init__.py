"""Helpers every test package shares: finding real sample data and skipping honestly."""
