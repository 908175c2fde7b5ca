"""Problem messages about sessions and their badges (title, detail), written in French and
translated through the catalogue."""

from __future__ import annotations

from service.i18n.catalogue import N_, text
from service.i18n.formats import Formats
from service.i18n.language import Language

TRAINING_MESSAGES: dict[str, tuple[str, str]] = {
    "session-not-found": (N_("Session introuvable"), N_("Aucune session n'a l'identifiant {id}.")),
    "sign-in-link-invalid": (
        N_("Lien d'émargement invalide"),
        N_("Ce lien d'émargement n'est pas valide : scannez de nouveau le code affiché dans la salle."),
    ),
    "sign-in-closed": (
        N_("Émargement fermé"),
        N_(
            "L'émargement de cette demi-journée n'est pas ouvert : il ouvre 30 minutes avant le début et ferme une heure après la fin."
        ),
    ),
    "sign-in-not-enrolled": (
        N_("Adresse non inscrite"),
        N_(
            "Aucune inscription à cette formation ne correspond à cette adresse : indiquez l'adresse professionnelle donnée à l'inscription, ou voyez avec la personne qui anime."
        ),
    ),
    "half-day-not-found": (
        N_("Demi-journée introuvable"),
        N_("Cette formation n'a pas de demi-journée {id}."),
    ),
    "trainer-not-found": (N_("Formateur inconnu"), N_("Choisissez un des pairs formateurs de la formation.")),
    "enrolment-not-found": (N_("Inscription introuvable"), N_("Cette formation n'a pas d'inscription {id}.")),
    "session-closed": (
        N_("Session clôturée"),
        N_("La session {id} est clôturée : ses badges sont émis, elle ne change plus."),
    ),
    "session-cancelled": (
        N_("Session annulée"),
        N_("La session {id} est annulée ; repassez-la à l'état « planned » pour la modifier."),
    ),
    "session-state-change-refused": (
        N_("Changement d'état refusé"),
        N_("Une session à l'état « {current} » ne peut pas passer à « {requested} »."),
    ),
    "session-already-closed": (
        N_("Session déjà clôturée"),
        N_("La session {id} est déjà clôturée : aucun badge n'a été émis une seconde fois."),
    ),
    "session-closing": (
        N_("Clôture en cours"),
        N_("La session {id} est en cours de clôture ; suivez l'avancement sur /closing."),
    ),
    "closing-not-found": (
        N_("Aucune clôture en arrière-plan"),
        N_("La session {id} n'a pas été clôturée en arrière-plan."),
    ),
    "session-has-no-half-days": (
        N_("Session sans demi-journée"),
        N_("La session {id} n'a aucune demi-journée : rien ne permet de juger la présence."),
    ),
    "session-not-over": (
        N_("Session pas encore terminée"),
        N_("La dernière demi-journée de la session {id} n'est pas encore terminée."),
    ),
    "attendance-unknown-person": (
        N_("Personne non inscrite"),
        N_("{email} n'est pas inscrit·e à cette session."),
    ),
    "attendance-unknown-half-day": (
        N_("Demi-journée inconnue"),
        N_("Cette demi-journée n'appartient pas à la session."),
    ),
    "rule-badge-class-unknown": (
        N_("Badge inconnu"),
        N_("Ce badge n'existe pas chez l'émetteur de la session."),
    ),
    "rule-badge-class-twice": (N_("Badge en double"), N_("Ce badge a déjà une règle dans cette session.")),
    "badge-class-superseded": (
        N_("Ancienne version du badge"),
        N_("Le badge {id} a été remplacé par une nouvelle version ({current}) : utilisez-la."),
    ),
    "period-invalid-date": (N_("Date invalide"), N_("Les dates de la période s'écrivent AAAA-MM-JJ.")),
    "period-reversed": (N_("Période inversée"), N_("La fin de la période est avant son début.")),
    "period-out-of-range": (
        N_("Période hors limites"),
        N_("Une période doit tenir entre les années {first} et {last}."),
    ),
    "period-too-long": (N_("Période trop longue"), N_("Une période compte au plus {days} jours.")),
    "award-revoked": (N_("Badge révoqué"), N_("Le badge {id} a été révoqué : il n'est plus délivré.")),
    "verify-nothing-given": (
        N_("Rien à vérifier"),
        N_("Envoyez un lien, un badge JSON, un jeton JWS/JWT (« input ») ou une image (« file »)."),
    ),
    "verify-bad-email": (N_("Adresse invalide"), N_("L'adresse électronique attendue n'est pas valide.")),
    "trainer-rule-not-found": (
        N_("Règle introuvable"),
        N_("Le badge {id} n'a pas de règle pour les formateur·rices."),
    ),
    "csv-invalid": (
        N_("Fichier refusé"),
        N_(
            "Le fichier a {count} problème(s), listés ligne par ligne dans « errors » ; rien n'a été "
            "enregistré. Corrigez-les, ou renvoyez-le avec accept_valid_rows=true pour n'importer que "
            "les lignes valides."
        ),
    ),
    "csv-too-large": (N_("Fichier trop volumineux"), N_("Le fichier dépasse {limit} octets.")),
    "prerequisite-unknown": (
        N_("Prérequis inconnu"),
        N_("Un prérequis doit être un autre badge du même émetteur."),
    ),
}


# Why a person does not earn a badge at closing (``domain.training.Decision.reasons``: a code,
# then ``:`` and its values). Counts say « 1 » in the singular form, anything else in the plural.
DECISION_REASONS: dict[str, tuple[str, str]] = {
    "absent": (N_("absent·e à toutes les demi-journées"), N_("absent·e à toutes les demi-journées")),
    "hours-below-minimum": (N_("{count} h sur {required} requises"), N_("{count} h sur {required} requises")),
    "half-days-missed": (N_("une demi-journée manquée"), N_("{count} demi-journées manquées")),
    "evaluation-not-done": (
        N_("évaluation de la session non enregistrée"),
        N_("évaluation de la session non enregistrée"),
    ),
    "sessions-without-evaluation": (
        N_("une session sans évaluation"),
        N_("{count} sessions sans évaluation"),
    ),
    "sessions-below-minimum": (
        N_("{count} session animée sur {required} requises"),
        N_("{count} sessions animées sur {required} requises"),
    ),
    "peers-below-minimum": (
        N_("{count} pair formé sur {required} requis"),
        N_("{count} pairs formés sur {required} requis"),
    ),
    "themes-below-minimum": (
        N_("{count} thème sur {required} requis"),
        N_("{count} thèmes sur {required} requis"),
    ),
    "no-session-with-peers-between": (
        N_("aucune session avec {low} à {high} pairs"),
        N_("aucune session avec {low} à {high} pairs"),
    ),
    "no-session-with-peers-above": (
        N_("aucune session avec au moins {low} pairs"),
        N_("aucune session avec au moins {low} pairs"),
    ),
}
UNKNOWN_REASON = N_("condition non remplie")


def decision_reason(reason: str, language: Language) -> str:
    """« 3,5 h sur 7 requises », « une demi-journée manquée »: one reason in the reader's words,
    numbers written for the locale."""
    code, _, values = reason.partition(":")
    params: dict[str, str] = {}
    count: float | None = None
    if "<" in values:  # "3.5<7": what was reached, what is required
        reached, _, required = values.partition("<")
        count, params["required"] = _number(reached), Formats(language).number(_number(required))
    elif "-" in values:  # "2-1000000000": the bounds of a session's size
        low, _, high = values.partition("-")
        params["low"], params["high"] = low, high
        if _number(high) >= 10**9:
            code = "no-session-with-peers-above"
    elif values:
        count = _number(values)
    if count is not None:
        params["count"] = Formats(language).number(count)
    singular, plural = DECISION_REASONS.get(code, (UNKNOWN_REASON, UNKNOWN_REASON))
    return text(singular if count == 1 else plural, language, params)


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0
