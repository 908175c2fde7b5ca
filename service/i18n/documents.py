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
REVOCATION_SUBJECT = N_("Votre badge « {badge} » a été révoqué par {issuer}")
# Heads the part of the email in the language it is translated to.
EMAIL_SEPARATOR = N_("—— Version française ——")
EMAIL_FOOTER = "Fabrique à badges"  # the service's name, the same in every language
ACCOUNT_SUBJECTS = {
    "invitation": N_("Votre accès à la console de Fabrique à badges"),
    "reset": N_("Choisir un nouveau mot de passe pour Fabrique à badges"),
    "earner-space": N_("Vos badges : votre lien de connexion"),
    "endorsement-invitation": N_("Une invitation à recommander un badge"),
    "endorsement-made": N_("Votre recommandation est publiée"),
    "badge-request-confirm": N_("Confirmez votre demande de badge"),
    "badge-review-invitation": N_("Une demande de badge attend votre avis"),
    "badge-request-decided": N_("Votre demande de badge a reçu une réponse"),
}


def report_headers(language: Language) -> list[str]:
    return [text(header, language) for header in REPORT_HEADERS]


def section(code: str, language: Language) -> str:
    return text(REPORT_SECTIONS[code], language)


def total(code: str, language: Language) -> str:
    return text(REPORT_TOTALS[code], language)


def email_subject(language: Language, badge: str, issuer: str) -> str:
    return text(EMAIL_SUBJECT, language, {"badge": badge, "issuer": issuer})


def account_subject(purpose: str, language: Language) -> str:
    return text(ACCOUNT_SUBJECTS.get(purpose, ACCOUNT_SUBJECTS["reset"]), language)


def revocation_subject(language: Language, badge: str, issuer: str) -> str:
    return text(REVOCATION_SUBJECT, language, {"badge": badge, "issuer": issuer})


def email_separator(language: Language) -> str:
    return text(EMAIL_SEPARATOR, language)


# Where an award's email stands, for the coordinator: its state, and why it failed.
DELIVERY_STATES: dict[str, str] = {
    "pending": N_("courriel en attente d'envoi"),
    "sending": N_("courriel en cours d'envoi"),
    "sent": N_("courriel envoyé le {date}"),
    "failed": N_("courriel non envoyé : {why}"),
    "retrying": N_("courriel pas encore envoyé ({why}) ; nouvel essai le {date}"),
}
DELIVERY_ERRORS: dict[str, str] = {
    "recipient-refused": N_("l'adresse a été refusée par le serveur de messagerie"),
    "message-refused": N_("le message a été refusé par le serveur de messagerie"),
    "server-unreachable": N_("le serveur d'envoi ne répond pas"),
    "server-refused-for-now": N_("le serveur d'envoi a refusé pour l'instant"),
    "award-gone": N_("le badge n'existe plus"),
    "award-revoked": N_("le badge a été révoqué avant l'envoi"),
    "link-expired": N_("le lien avait expiré ou avait été remplacé"),
}
DELIVERY_UNKNOWN_ERROR = N_("erreur inconnue")


def delivery(state: str, error_code: str | None, language: Language, date: str = "") -> str:
    """« courriel envoyé le 3 décembre 2026 10:00 », « courriel non envoyé : l'adresse a été
    refusée… »: a pending message that already failed once says why and when it is tried again."""
    why = text(DELIVERY_ERRORS.get(error_code or "", DELIVERY_UNKNOWN_ERROR), language)
    if state == "pending" and error_code:
        state = "retrying"
    return text(DELIVERY_STATES.get(state, DELIVERY_STATES["pending"]), language, {"date": date, "why": why})
