"""Words of the files and emails the service writes for people: the funders' report (CSV) and
the award email's subject and frame, written in French and translated through the catalogue."""

from __future__ import annotations

from service.i18n.catalogue import N_, text
from service.i18n.language import Language

REPORT_HEADERS: tuple[str, ...] = (
    N_("rubrique"),
    N_("clé"),
    N_("libellé"),
    N_("valeur"),
    N_("dont révoqués"),
)
# The report's sections (first column), by code.
REPORT_SECTIONS: dict[str, str] = {
    "period": N_("période"),
    "total": N_("total"),
    "origin": N_("origine"),
    "badge": N_("badge"),
    "theme": N_("thème"),
    "sessions-by-theme": N_("sessions par thème"),
}
REPORT_TOTALS: dict[str, str] = {
    "sessions_held": N_("Sessions tenues"),
    "sessions_cancelled": N_("Sessions annulées"),
    "planned_hours": N_("Heures de formation au programme"),
    "training_hours": N_("Heures suivies (somme par personne)"),
    "peers_trained": N_("Pairs formé·es"),
    "trainers_active": N_("Formateur·rices actif·ves"),
    "badges_issued": N_("Badges émis"),
    "badges_revoked": N_("Badges révoqués"),
}

EMAIL_SUBJECT = N_("Vous avez reçu le badge « {badge} » de {issuer}")
# Heads the part of the email in the language it is translated to.
EMAIL_SEPARATOR = N_("—— Version française ——")
EMAIL_FOOTER = "Fabrique à badges"  # the service's name, the same in every language


def report_headers(language: Language) -> list[str]:
    return [text(header, language) for header in REPORT_HEADERS]


def section(code: str, language: Language) -> str:
    return text(REPORT_SECTIONS[code], language)


def total(code: str, language: Language) -> str:
    return text(REPORT_TOTALS[code], language)


def email_subject(language: Language, badge: str, issuer: str) -> str:
    return text(EMAIL_SUBJECT, language, {"badge": badge, "issuer": issuer})


def email_separator(language: Language) -> str:
    return text(EMAIL_SEPARATOR, language)
