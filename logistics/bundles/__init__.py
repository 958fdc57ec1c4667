"""bundles package."""
