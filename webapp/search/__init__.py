"""Search: one interface over PostgreSQL full-text search and SQLite FTS5."""
