"""planning routing package."""
