"""Problem messages about sessions and their badges, French first, English second."""

from __future__ import annotations

TRAINING_MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "session-not-found": (
        "Session introuvable",
        "Session not found",
        "Aucune session n'a l'identifiant {id}.",
        "No session has the id {id}.",
    ),
    "session-closed": (
        "Session clôturée",
        "Session closed",
        "La session {id} est clôturée : ses badges sont émis, elle ne change plus.",
        "Session {id} is closed: its badges are issued and it no longer changes.",
    ),
    "session-cancelled": (
        "Session annulée",
        "Session cancelled",
        "La session {id} est annulée ; repassez-la à l'état « planned » pour la modifier.",
        "Session {id} is cancelled; set its state back to “planned” to change it.",
    ),
    "session-state-change-refused": (
        "Changement d'état refusé",
        "State change refused",
        "Une session à l'état « {current} » ne peut pas passer à « {requested} ».",
        "A session in state “{current}” cannot move to “{requested}”.",
    ),
    "session-already-closed": (
        "Session déjà clôturée",
        "Session already closed",
        "La session {id} est déjà clôturée : aucun badge n'a été émis une seconde fois.",
        "Session {id} is already closed: no badge was issued a second time.",
    ),
    "session-closing": (
        "Clôture en cours",
        "Closing in progress",
        "La session {id} est en cours de clôture ; suivez l'avancement sur /closing.",
        "Session {id} is being closed; follow the progress at /closing.",
    ),
    "closing-not-found": (
        "Aucune clôture en arrière-plan",
        "No background closing",
        "La session {id} n'a pas été clôturée en arrière-plan.",
        "Session {id} was not closed in the background.",
    ),
    "session-has-no-half-days": (
        "Session sans demi-journée",
        "Session without half-days",
        "La session {id} n'a aucune demi-journée : rien ne permet de juger la présence.",
        "Session {id} has no half-days: there is nothing to judge attendance by.",
    ),
    "session-not-over": (
        "Session pas encore terminée",
        "Session not over",
        "La dernière demi-journée de la session {id} n'est pas encore terminée.",
        "The last half-day of session {id} is not over yet.",
    ),
    "attendance-unknown-person": (
        "Personne non inscrite",
        "Person not enrolled",
        "{email} n'est pas inscrit·e à cette session.",
        "{email} is not enrolled in this session.",
    ),
    "attendance-unknown-half-day": (
        "Demi-journée inconnue",
        "Unknown half-day",
        "Cette demi-journée n'appartient pas à la session.",
        "This half-day does not belong to the session.",
    ),
    "rule-badge-class-unknown": (
        "Badge inconnu",
        "Unknown badge class",
        "Ce badge n'existe pas chez l'émetteur de la session.",
        "This badge class does not exist for the session's issuer.",
    ),
    "rule-badge-class-twice": (
        "Badge en double",
        "Badge class twice",
        "Ce badge a déjà une règle dans cette session.",
        "This badge class already has a rule in this session.",
    ),
    "badge-class-superseded": (
        "Ancienne version du badge",
        "Superseded badge class",
        "Le badge {id} a été remplacé par une nouvelle version ({current}) : utilisez-la.",
        "Badge class {id} was replaced by a new version ({current}): use it.",
    ),
    "period-invalid-date": (
        "Date invalide",
        "Invalid date",
        "Les dates de la période s'écrivent AAAA-MM-JJ.",
        "The period's dates are written YYYY-MM-DD.",
    ),
    "period-reversed": (
        "Période inversée",
        "Reversed period",
        "La fin de la période est avant son début.",
        "The period ends before it starts.",
    ),
    "period-out-of-range": (
        "Période hors limites",
        "Period out of range",
        "Une période doit tenir entre les années {first} et {last}.",
        "A period must lie between the years {first} and {last}.",
    ),
    "period-too-long": (
        "Période trop longue",
        "Period too long",
        "Une période compte au plus {days} jours.",
        "A period is at most {days} days long.",
    ),
    "award-revoked": (
        "Badge révoqué",
        "Badge revoked",
        "Le badge {id} a été révoqué : il n'est plus délivré.",
        "Badge {id} was revoked: it is no longer handed out.",
    ),
    "verify-nothing-given": (
        "Rien à vérifier",
        "Nothing to verify",
        "Envoyez un lien, un badge JSON, un jeton JWS/JWT (« input ») ou une image (« file »).",
        "Send a link, a JSON badge, a JWS/JWT token (“input”) or an image (“file”).",
    ),
    "verify-bad-email": (
        "Adresse invalide",
        "Invalid address",
        "L'adresse électronique attendue n'est pas valide.",
        "The expected email address is not valid.",
    ),
    "trainer-rule-not-found": (
        "Règle introuvable",
        "Rule not found",
        "Le badge {id} n'a pas de règle pour les formateur·rices.",
        "Badge class {id} has no trainer rule.",
    ),
    "csv-invalid": (
        "Fichier refusé",
        "File refused",
        "Le fichier a {count} problème(s), listés ligne par ligne dans « errors » ; rien n'a été "
        "enregistré. Corrigez-les, ou renvoyez-le avec accept_valid_rows=true pour n'importer que "
        "les lignes valides.",
        "The file has {count} problem(s), listed line by line in “errors”; nothing was saved. Fix "
        "them, or send it again with accept_valid_rows=true to import only the valid rows.",
    ),
    "csv-too-large": (
        "Fichier trop volumineux",
        "File too large",
        "Le fichier dépasse {limit} octets.",
        "The file is larger than {limit} bytes.",
    ),
    "prerequisite-unknown": (
        "Prérequis inconnu",
        "Unknown prerequisite",
        "Un prérequis doit être un autre badge du même émetteur.",
        "A prerequisite must be another badge class of the same issuer.",
    ),
}
