"""Themes and levels as a vocabulary (issue 21, point 4): session themes and badge tags are slugs
of one known list, so that « inclusion numérique » typed in a form and `inclusion_numerique` in a
badge's tags are one theme in reports. The built-in slugs come from the field (the Coop de la
médiation numérique's theme slugs, the catalogue's tags); an administrator may add more. Pure."""

from __future__ import annotations

import re
import unicodedata

BUILT_IN_THEMES = (
    "culture_numerique",
    "aide_aux_demarches_administratives",
    "inclusion_numerique",
    "maitrise_des_outils_numeriques",
    "securite_numerique",
    "numerique_responsable",
    "intelligence_artificielle",
    "aidants_connect",
    "formation_entre_pairs",
)
# The catalogue tags each badge class with its level: niveau_n1 … niveau_n4.
LEVEL_TAGS = ("niveau_n1", "niveau_n2", "niveau_n3", "niveau_n3_plus", "niveau_n4")
MAX_SLUG = 60
_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def slugify(text: str) -> str:
    """« Inclusion numérique » → ``inclusion_numerique``: lower case, accents off, anything else
    than letters and digits one underscore."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:MAX_SLUG]


def is_slug(text: str) -> bool:
    return bool(_SLUG.fullmatch(text)) and len(text) <= MAX_SLUG
