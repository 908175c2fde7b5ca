"""Fabrique à badges: an Open Badges issuing service for peer-training networks."""

__version__ = "0.1.0"
