"""Tests of the background workers (procrastinate)."""
