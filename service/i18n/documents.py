"""Words of the files and emails the service writes for people: the funders' report (CSV) and
the award email's subject and frame, French and English."""

from __future__ import annotations

from service.i18n.language import Language

REPORT_HEADERS: dict[Language, tuple[str, ...]] = {
    "fr": ("rubrique", "clé", "libellé", "valeur", "dont révoqués"),
    "en": ("section", "key", "label", "value", "of which revoked"),
}
# The report's sections (first column), by code.
REPORT_SECTIONS: dict[str, tuple[str, str]] = {
    "period": ("période", "period"),
    "total": ("total", "total"),
    "origin": ("origine", "origin"),
    "badge": ("badge", "badge"),
    "theme": ("thème", "theme"),
    "sessions-by-theme": ("sessions par thème", "sessions by theme"),
}
REPORT_TOTALS: dict[str, tuple[str, str]] = {
    "sessions_held": ("Sessions tenues", "Sessions held"),
    "sessions_cancelled": ("Sessions annulées", "Sessions cancelled"),
    "planned_hours": ("Heures de formation au programme", "Planned training hours"),
    "training_hours": ("Heures suivies (somme par personne)", "Hours attended (summed over people)"),
    "peers_trained": ("Pairs formé·es", "Peers trained"),
    "trainers_active": ("Formateur·rices actif·ves", "Active trainers"),
    "badges_issued": ("Badges émis", "Badges issued"),
    "badges_revoked": ("Badges révoqués", "Badges revoked"),
}

EMAIL_SUBJECTS: dict[Language, str] = {
    "fr": "Vous avez reçu le badge « {badge} » de {issuer}",
    "en": "You have received the badge “{badge}” from {issuer}",
}
EMAIL_SEPARATORS: dict[Language, str] = {"en": "—— English version ——", "fr": "—— Version française ——"}
EMAIL_FOOTER: dict[Language, str] = {"fr": "Fabrique à badges", "en": "Fabrique à badges"}


def section(code: str, language: Language) -> str:
    french, english = REPORT_SECTIONS[code]
    return french if language == "fr" else english
