"""Badges baked into their images (Open Badges 2.0 "Baking", OB 3.0 §5.3): the assertion or
credential travels inside the PNG or SVG file, and is read back out by the verifier."""
