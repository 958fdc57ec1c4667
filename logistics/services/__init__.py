"""Use cases: each takes a session whose transaction the caller owns (services flush, never commit)."""
