"""User-facing messages of every problem, French first, English second.

Each entry: code -> (title_fr, title_en, detail_fr, detail_en); details are ``str.format``
templates over the error's parameters.
"""

from __future__ import annotations

from typing import Any

from service.i18n.language import Language
from service.i18n.messages_training import TRAINING_MESSAGES

MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "bad-request": ("Requête invalide", "Bad request", "La requête est invalide.", "The request is invalid."),
    "unknown-option": (
        "Option inconnue",
        "Unknown option",
        "L'option « {field} » n'existe pas ici : rien n'a été fait.",
        "There is no option “{field}” here: nothing was done.",
    ),
    "invalid-input": (
        "Données invalides",
        "Invalid data",
        "Certaines valeurs envoyées sont invalides : voir « errors ».",
        "Some values sent are invalid: see “errors”.",
    ),
    "malformed-json": (
        "JSON mal formé",
        "Malformed JSON",
        "Le corps de la requête n'est pas un JSON valide.",
        "The request body is not valid JSON.",
    ),
    "unauthenticated": (
        "Authentification requise",
        "Authentication required",
        "Envoyez un jeton d'API valide dans l'en-tête « Authorization: Bearer … ».",
        "Send a valid API token in the “Authorization: Bearer …” header.",
    ),
    "forbidden": (
        "Accès refusé",
        "Forbidden",
        "Ce jeton n'a pas le droit d'agir sur l'émetteur {issuer_id}.",
        "This token may not act on issuer {issuer_id}.",
    ),
    "read-only-token": (
        "Accès en lecture seule",
        "Read-only access",
        "Ce jeton (rôle « viewer ») ne peut que lire.",
        "This token (role “viewer”) may only read.",
    ),
    "admin-only": (
        "Réservé aux administrateurs",
        "Administrators only",
        "Seul un jeton administrateur peut faire cette opération.",
        "Only an admin token may do this.",
    ),
    "not-found": (
        "Introuvable",
        "Not found",
        "Cette ressource n'existe pas.",
        "This resource does not exist.",
    ),
    "metrics-forbidden": (
        "Accès refusé",
        "Forbidden",
        "Les métriques ne sont servies qu'en local, ou avec le jeton FABRIQUE_METRICS_TOKEN.",
        "Metrics are served on loopback only, or with the FABRIQUE_METRICS_TOKEN token.",
    ),
    "password-length": (
        "Mot de passe refusé",
        "Password refused",
        "Le mot de passe doit compter de {minimum} à {maximum} caractères.",
        "The password must be {minimum} to {maximum} characters long.",
    ),
    "account-exists": (
        "Compte existant",
        "Account exists",
        "Un compte existe déjà pour {email}.",
        "An account already exists for {email}.",
    ),
    "account-not-found": (
        "Compte introuvable",
        "Account not found",
        "Aucun compte pour {email}.",
        "No account for {email}.",
    ),
    "earner-link-invalid": (
        "Lien invalide",
        "Invalid link",
        "Ce lien personnel n'est pas valide : vérifiez qu'il a été copié en entier depuis votre courriel.",
        "This personal link is not valid: check that it was copied whole from your email.",
    ),
    "award-erased": (
        "Badge effacé",
        "Badge erased",
        "Ce badge a été effacé à la demande de la personne titulaire ; il est révoqué.",
        "This badge was erased at its holder's request; it is revoked.",
    ),
    "award-page-private": (
        "Page de badge privée",
        "Private badge page",
        "La personne titulaire de ce badge n'a pas rendu sa page publique.",
        "The holder of this badge has not made its page public.",
    ),
    "route-not-found": (
        "Introuvable",
        "Not found",
        "Aucune ressource à cette adresse.",
        "Nothing at this address.",
    ),
    "issuer-not-found": (
        "Émetteur introuvable",
        "Issuer not found",
        "Aucun émetteur n'a l'identifiant {id}.",
        "No issuer has the id {id}.",
    ),
    "badge-class-not-found": (
        "Badge introuvable",
        "Badge class not found",
        "Aucun badge n'a l'identifiant {id}.",
        "No badge class has the id {id}.",
    ),
    "award-not-found": (
        "Attribution introuvable",
        "Award not found",
        "Aucune attribution n'a l'identifiant {id}.",
        "No award has the id {id}.",
    ),
    "key-not-found": (
        "Clé introuvable",
        "Key not found",
        "Aucune clé publique n'a l'identifiant {id}.",
        "No public key has the id {id}.",
    ),
    "token-not-found": (
        "Jeton introuvable",
        "Token not found",
        "Aucun jeton n'a l'identifiant {id}.",
        "No token has the id {id}.",
    ),
    "image-not-found": (
        "Image absente",
        "No image",
        "Cette ressource n'a pas d'image.",
        "This resource has no image.",
    ),
    "status-list-not-found": (
        "Liste de statuts introuvable",
        "Status list not found",
        "Aucune liste de statuts n'a l'identifiant {id}.",
        "No status list has the id {id}.",
    ),
    "key-withdrawn": (
        "Clé retirée",
        "Key withdrawn",
        "La clé {id} a été retirée par son émetteur : ce qu'elle a signé n'est plus vérifiable.",
        "Key {id} was withdrawn by its issuer: what it signed can no longer be verified.",
    ),
    "key-is-active": (
        "Clé active",
        "Active key",
        "La clé {id} est la clé active : faites d'abord une rotation, puis retirez l'ancienne clé.",
        "Key {id} is the active key: rotate first, then withdraw the old key.",
    ),
    "key-already-withdrawn": (
        "Déjà retirée",
        "Already withdrawn",
        "La clé {id} est déjà retirée.",
        "Key {id} is already withdrawn.",
    ),
    "conflict": (
        "Conflit",
        "Conflict",
        "La requête entre en conflit avec l'état actuel.",
        "The request conflicts with the current state.",
    ),
    "issuer-has-badge-classes": (
        "Émetteur utilisé",
        "Issuer in use",
        "L'émetteur {id} a des badges : supprimez-les d'abord (un badge déjà attribué ne peut pas l'être).",
        "Issuer {id} has badge classes: delete them first (an awarded badge class cannot be deleted).",
    ),
    "badge-class-has-awards": (
        "Badge déjà attribué",
        "Badge class already awarded",
        "Le badge {id} a été attribué : il ne peut plus être supprimé (les attributions y renvoient pour toujours).",
        "Badge class {id} has been awarded: it can no longer be deleted (its awards point at it forever).",
    ),
    "award-already-revoked": (
        "Déjà révoquée",
        "Already revoked",
        "L'attribution {id} est déjà révoquée.",
        "Award {id} is already revoked.",
    ),
    "issuer-has-no-signing-key": (
        "Aucune clé de signature",
        "No signing key",
        "L'émetteur {id} n'a pas de clé active : lancez « fabrique keys rotate --issuer {id} ».",
        "Issuer {id} has no active key: run “fabrique keys rotate --issuer {id}”.",
    ),
    "credential-schema-invalid": (
        "Badge non conforme",
        "Non-conforming credential",
        "Le badge Open Badges 3.0 ne respecte pas le schéma officiel ; il n'a pas été signé : {errors}",
        "The Open Badges 3.0 credential does not meet the official schema; it was not signed: {errors}",
    ),
    "credential-not-available": (
        "Format indisponible",
        "Not available",
        "Cette attribution n'a pas de version Open Badges 3.0 (émise avant sa prise en charge).",
        "This award has no Open Badges 3.0 form (issued before it was supported).",
    ),
    "criteria-required": (
        "Critères requis",
        "Criteria required",
        "Un badge doit avoir des critères : un texte (criteria_narrative) ou une adresse (criteria_url).",
        "A badge class needs criteria: a narrative (criteria_narrative) or a URL (criteria_url).",
    ),
    "issued-on-in-future": (
        "Date d'émission future",
        "Issue date in the future",
        "La date d'émission ne peut pas être dans le futur.",
        "The issue date cannot be in the future.",
    ),
    "expires-before-issue": (
        "Expiration invalide",
        "Invalid expiry",
        "La date d'expiration doit suivre la date d'émission.",
        "The expiry date must follow the issue date.",
    ),
    "image-format-unavailable": (
        "Format indisponible",
        "Format unavailable",
        "L'image de ce badge est en SVG : elle ne peut pas être fournie en PNG.",
        "This badge's image is SVG: it cannot be given as PNG.",
    ),
    "image-missing": (
        "Image manquante",
        "Image missing",
        "Choisissez l'image du badge (PNG ou SVG).",
        "Choose the badge's image (PNG or SVG).",
    ),
    "image-empty": ("Image vide", "Empty image", "Le fichier image est vide.", "The image file is empty."),
    "image-too-large": (
        "Image trop lourde",
        "Image too large",
        "L'image pèse {size} octets ; la limite est de {limit} octets.",
        "The image is {size} bytes; the limit is {limit} bytes.",
    ),
    "image-unsupported-type": (
        "Format d'image refusé",
        "Unsupported image type",
        "Seules les images PNG et SVG sont acceptées.",
        "Only PNG and SVG images are accepted.",
    ),
    "image-corrupt": (
        "Image illisible",
        "Unreadable image",
        "Ce fichier PNG est corrompu ou tronqué.",
        "This PNG file is corrupt or truncated.",
    ),
    "image-bad-dimensions": (
        "Dimensions refusées",
        "Dimensions refused",
        "L'image mesure {width}×{height} pixels ; chaque côté doit être entre {minimum} et {maximum}.",
        "The image is {width}×{height} pixels; each side must be between {minimum} and {maximum}.",
    ),
    "image-svg-unsafe-or-invalid": (
        "SVG refusé",
        "SVG refused",
        "Ce SVG est invalide ou contient du contenu actif ou externe ({reason}).",
        "This SVG is invalid or holds active or external content ({reason}).",
    ),
    "image-svg-encoding": (
        "SVG illisible",
        "Unreadable SVG",
        "Ce SVG n'est pas écrit dans l'encodage qu'il annonce : enregistrez-le en UTF-8.",
        "This SVG is not written in the encoding it declares: save it as UTF-8.",
    ),
    "image-already-baked": (
        "Image déjà porteuse d'un badge",
        "Image already holds a badge",
        "Cette image contient déjà un badge émis (c'est le badge de quelqu'un) : "
        "envoyez l'image d'origine, sans badge intégré.",
        "This image already holds an issued badge (it is somebody's badge): "
        "send the original image, without a badge baked in.",
    ),
    "badge-image-unbakable": (
        "Image du badge inutilisable",
        "Badge image unusable",
        "L'image de ce modèle de badge ne peut pas recevoir le badge : le coordinateur doit la "
        "remplacer. Le badge reste valable sous ses autres formes.",
        "This badge class's image cannot hold the badge: the coordinator must replace it. "
        "The badge stays valid in its other forms.",
    ),
    "image-type-mismatch": (
        "Type d'image incohérent",
        "Image type mismatch",
        "Le fichier est annoncé comme {declared} mais contient {actual}.",
        "The file is declared as {declared} but holds {actual}.",
    ),
    "token-needs-issuer": (
        "Émetteur requis",
        "Issuer required",
        "Un jeton « {role} » doit être limité à au moins un émetteur (--issuer).",
        "A “{role}” token must be scoped to at least one issuer (--issuer).",
    ),
    "admin-token-has-no-scope": (
        "Portée inutile",
        "Scope not allowed",
        "Un jeton administrateur vaut pour tous les émetteurs : n'indiquez pas --issuer.",
        "An admin token covers every issuer: do not give --issuer.",
    ),
    "too-many-requests": (
        "Trop de demandes",
        "Too many requests",
        "Trop de demandes depuis votre adresse : réessayez dans {retry_after} secondes.",
        "Too many requests from your address: try again in {retry_after} seconds.",
    ),
    "resend-too-soon": (
        "Renvoi trop rapproché",
        "Resent too soon",
        "Un courriel vient d'être envoyé pour ce badge : réessayez dans {minutes} minutes.",
        "An email was just sent for this badge: try again in {minutes} minutes.",
    ),
    "resend-too-many": (
        "Trop de renvois",
        "Too many resends",
        "Ce badge a déjà été renvoyé {per_day} fois aujourd'hui : réessayez demain.",
        "This badge was already resent {per_day} times today: try again tomorrow.",
    ),
    "resend-not-possible": (
        "Renvoi impossible",
        "Cannot resend",
        "Ce badge est révoqué ou effacé : aucun courriel n'est renvoyé.",
        "This badge is revoked or erased: no email is sent again.",
    ),
    "viewer-no-people": (
        "Données personnelles réservées",
        "Personal data withheld",
        "Un jeton de consultation ne voit ni les adresses ni les noms des personnes, et ne peut pas chercher par adresse.",
        "A viewer token sees neither people's emails nor names, and cannot search by email.",
    ),
    "request-timeout": (
        "Requête trop lente",
        "Request too slow",
        "Le corps de la requête n'est pas arrivé en entier en {seconds} secondes.",
        "The request body did not arrive whole within {seconds} seconds.",
    ),
    "payload-too-large": (
        "Requête trop volumineuse",
        "Request too large",
        "Le corps de la requête dépasse {limit} octets.",
        "The request body exceeds {limit} bytes.",
    ),
    "method-not-allowed": (
        "Méthode non autorisée",
        "Method not allowed",
        "Cette méthode HTTP n'est pas acceptée ici.",
        "This HTTP method is not accepted here.",
    ),
    "not-acceptable": (
        "Format indisponible",
        "Not acceptable",
        "Ce document n'existe pas dans le format demandé.",
        "This document is not available in the requested format.",
    ),
    "verifier-busy": (
        "Vérificateur occupé",
        "Verifier busy",
        "Trop de vérifications de documents inconnus sont en cours ; réessayez dans un instant.",
        "Too many verifications of unfamiliar documents are running; try again in a moment.",
    ),
    "signing-unavailable": (
        "Signature indisponible",
        "Signing unavailable",
        "La clé de signature de cet émetteur est inaccessible sur ce serveur ; l'exploitant a été alerté.",
        "This issuer's signing key is not available on this server; the operator has been alerted.",
    ),
    "service-unavailable": (
        "Service indisponible",
        "Service unavailable",
        "La base de données ne répond pas ; réessayez dans un instant.",
        "The database is not answering; try again in a moment.",
    ),
    "internal-error": (
        "Erreur interne",
        "Internal error",
        "Une erreur inattendue s'est produite ; elle a été journalisée.",
        "An unexpected error occurred; it has been logged.",
    ),
}

MESSAGES.update(TRAINING_MESSAGES)


def render(code: str, language: Language, params: dict[str, Any]) -> tuple[str, str]:
    """(title, detail) in the language, with parameters filled in; unknown codes fall back."""
    title_fr, title_en, detail_fr, detail_en = MESSAGES.get(code, MESSAGES["bad-request"])
    title, template = (title_fr, detail_fr) if language == "fr" else (title_en, detail_en)
    try:
        return title, template.format(**params)
    except (KeyError, IndexError, ValueError):
        return title, template


# Why a field is refused, by code: pydantic's error types that users meet, and the codes our
# validators raise (``service.usecases.invalid``). French, then English.
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("champ obligatoire manquant", "required field missing"),
    "extra_forbidden": ("champ inconnu", "unknown field"),
    "string_too_short": (
        "texte trop court (au moins {min_length} caractère(s))",
        "text too short (at least {min_length} character(s))",
    ),
    "string_too_long": (
        "texte trop long (au plus {max_length} caractères)",
        "text too long (at most {max_length} characters)",
    ),
    "string_type": ("un texte est attendu", "a string is expected"),
    "int_parsing": ("un nombre entier est attendu", "an integer is expected"),
    "int_type": ("un nombre entier est attendu", "an integer is expected"),
    "greater_than_equal": ("doit être au moins {ge}", "must be at least {ge}"),
    "less_than_equal": ("doit être au plus {le}", "must be at most {le}"),
    "too_long": (
        "liste trop longue (au plus {max_length} éléments)",
        "list too long (at most {max_length} items)",
    ),
    "list_type": ("une liste est attendue", "a list is expected"),
    "url_parsing": ("adresse web invalide", "invalid URL"),
    "url_scheme": (
        "l'adresse doit commencer par http:// ou https://",
        "the URL must start with http:// or https://",
    ),
    "datetime_parsing": ("date invalide (format ISO 8601 attendu)", "invalid date (ISO 8601 expected)"),
    "datetime_type": ("date invalide (format ISO 8601 attendu)", "invalid date (ISO 8601 expected)"),
    "timezone_aware": (
        "la date doit préciser son fuseau (ex. 2026-11-22T10:00:00+01:00)",
        "the date must carry a time zone (e.g. 2026-11-22T10:00:00+01:00)",
    ),
    "model_attributes_type": ("un objet JSON est attendu", "a JSON object is expected"),
    "dict_type": ("un objet JSON est attendu", "a JSON object is expected"),
    "enum": ("valeur non autorisée", "value not allowed"),
    "literal_error": ("valeur non autorisée", "value not allowed"),
    "json_invalid": ("JSON mal formé", "malformed JSON"),
    "text-control-characters": (
        "les caractères de contrôle ne sont pas acceptés",
        "control characters are not allowed",
    ),
    "text-invisible-characters": (
        "les caractères invisibles ou qui changent le sens du texte ne sont pas acceptés",
        "invisible or direction-changing characters are not allowed",
    ),
    "language-tag-invalid": (
        "un code de langue BCP 47 est attendu, par exemple fr ou fr-FR",
        "a BCP 47 language tag is expected, such as fr or fr-FR",
    ),
    "url-not-absolute": (
        "une adresse web complète est attendue (http:// ou https://)",
        "an absolute http:// or https:// URL is expected",
    ),
    "image-data-too-large": ("image trop lourde", "image too large"),
    "image-data-uri-expected": (
        "une URI data:image/png;base64,… ou data:image/svg+xml;base64,… est attendue",
        "a data:image/png;base64,… or data:image/svg+xml;base64,… URI is expected",
    ),
    "image-base64-invalid": (
        "les données base64 de l'image sont invalides",
        "the image's base64 data is invalid",
    ),
    "siret-invalid": (
        "SIRET invalide (14 chiffres avec une clé valide)",
        "not a valid SIRET (14 digits with a valid check digit)",
    ),
    "rna-invalid": (
        "numéro RNA invalide (W suivi de 9 caractères)",
        "not a valid RNA number (W followed by 9 characters)",
    ),
    "criteria-required": (
        "criteria_narrative ou criteria_url est obligatoire",
        "criteria_narrative or criteria_url is required",
    ),
    "evidence-empty": (
        "une preuve doit avoir une adresse (url) ou un texte (narrative)",
        "evidence needs a url or a narrative",
    ),
    "date-out-of-range": (
        "la date doit être comprise entre {first} et {last}",
        "the date must be between {first} and {last}",
    ),
    "expires-before-issue": ("expires_at doit suivre issued_on", "expires_at must be after issued_on"),
    "email-invalid": ("adresse électronique invalide", "not a valid email address"),
    "half-day-ends-before-start": (
        "la fin de la demi-journée doit suivre son début",
        "a half-day must end after it starts",
    ),
    "half-day-too-long": (
        "une demi-journée dure au plus {hours} heures",
        "a half-day lasts at most {hours} hours",
    ),
    "half-days-overlap": ("des demi-journées se chevauchent", "half-days overlap"),
    "peer-limits-inverted": (
        "max_session_peers doit être au moins égal à min_session_peers",
        "max_session_peers must be at least min_session_peers",
    ),
}
FIELD_REFUSED = ("valeur refusée", "value refused")


def field_message(code: str, language: Language, params: dict[str, Any]) -> str:
    """Why a field is refused, in the language, with its parameters filled in."""
    french, english = FIELD_MESSAGES.get(code, FIELD_REFUSED)
    template = french if language == "fr" else english
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
