"""The analyst reports' queries: each returns a DataFrame computed in SQL on SQLite and PostgreSQL."""
