"""tracking adapters package."""
