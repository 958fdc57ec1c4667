"""Repositories: every query lives here; they convert rows to and from domain values."""
