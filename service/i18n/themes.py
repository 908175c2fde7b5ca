"""Words of the themes and levels vocabulary: a label per built-in slug, in French (translated
through the catalogue); themes an administrator adds carry their own French and English labels."""

from __future__ import annotations

from collections.abc import Mapping

from service.i18n.catalogue import N_, text
from service.i18n.language import Language

LABELS: dict[str, str] = {
    "culture_numerique": N_("Culture numérique"),
    "aide_aux_demarches_administratives": N_("Aide aux démarches administratives"),
    "inclusion_numerique": N_("Inclusion numérique"),
    "maitrise_des_outils_numeriques": N_("Maîtrise des outils numériques du quotidien"),
    "securite_numerique": N_("Sécurité numérique"),
    "numerique_responsable": N_("Numérique responsable"),
    "intelligence_artificielle": N_("Intelligence artificielle"),
    "aidants_connect": N_("Aidants Connect"),
    "formation_entre_pairs": N_("Formation entre pairs"),
    "niveau_n1": N_("Niveau N1 — participant·e"),
    "niveau_n2": N_("Niveau N2 — praticien·ne"),
    "niveau_n3": N_("Niveau N3 — formateur·rice pair"),
    "niveau_n3_plus": N_("Niveau N3+ — formateur·rice pair confirmé·e"),
    "niveau_n4": N_("Niveau N4 — responsable de cycle"),
}


def label(slug: str, language: Language, added: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The theme's label in the language: built-in, added by an administrator ((fr, en)), or
    the slug itself for a tag that is in neither (a badge's free keyword)."""
    if slug in LABELS:
        return text(LABELS[slug], language)
    if added and slug in added:
        french, english = added[slug]
        return english if language == "en" and english else french
    return slug


# Problems (title, detail) by code, joined to ``messages.MESSAGES``.
THEME_MESSAGES: dict[str, tuple[str, str]] = {
    "theme-unknown": (
        N_("Thème inconnu"),
        N_(
            "« {theme} » n'est pas un thème connu : choisissez-en un de la liste (GET /api/v1/themes), "
            "ou demandez à un administrateur de l'ajouter."
        ),
    ),
    "theme-slug-invalid": (
        N_("Identifiant de thème invalide"),
        N_("Un identifiant de thème s'écrit en minuscules, chiffres et soulignés (60 caractères au plus)."),
    ),
    "theme-label-invalid": (
        N_("Libellé manquant"),
        N_("Un thème a un libellé en français et en anglais (120 caractères au plus)."),
    ),
    "theme-exists": (N_("Thème existant"), N_("Le thème {slug} existe déjà.")),
}
