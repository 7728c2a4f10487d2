"""The GraphQL API (never imports torch or workers)."""
