"""Pictures made by the service: badge images rasterised from SVG, and the share cards that
social sites show for a badge link."""
