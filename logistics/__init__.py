"""Multimodal freight coordination platform."""
