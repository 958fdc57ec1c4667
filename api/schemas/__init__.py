"""Pydantic models at the HTTP edge."""
