"""Loading the seed data (vocabularies and the demo local area)."""
