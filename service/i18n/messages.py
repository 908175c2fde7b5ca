"""Words of every problem (title and detail) and of every refused field, by code, written in
French and translated through the catalogue (``service.i18n.catalogue``).

Each problem: code -> (title, detail); details are ``str.format`` templates over the error's
parameters. Field messages: pydantic's error types that people meet and the codes our validators
raise (``service.usecases.invalid``).
"""

from __future__ import annotations

from typing import Any

from service.i18n.catalogue import N_, text
from service.i18n.endorsements import ENDORSEMENT_MESSAGES
from service.i18n.language import Language
from service.i18n.messages_training import TRAINING_MESSAGES
from service.i18n.themes import THEME_MESSAGES

MESSAGES: dict[str, tuple[str, str]] = {
    "bad-request": (N_("Requête invalide"), N_("La requête est invalide.")),
    "unknown-option": (
        N_("Option inconnue"),
        N_("L'option « {field} » n'existe pas ici : rien n'a été fait."),
    ),
    "invalid-input": (
        N_("Données invalides"),
        N_("Certaines valeurs envoyées sont invalides : voir « errors »."),
    ),
    "malformed-json": (N_("JSON mal formé"), N_("Le corps de la requête n'est pas un JSON valide.")),
    "unauthenticated": (
        N_("Authentification requise"),
        N_("Envoyez un jeton d'API valide dans l'en-tête « Authorization: Bearer … »."),
    ),
    "forbidden": (N_("Accès refusé"), N_("Ce jeton n'a pas le droit d'agir sur l'émetteur {issuer_id}.")),
    "read-only-token": (N_("Accès en lecture seule"), N_("Ce jeton (rôle « viewer ») ne peut que lire.")),
    "admin-only": (
        N_("Réservé aux administrateurs"),
        N_("Seul un jeton administrateur peut faire cette opération."),
    ),
    "not-found": (N_("Introuvable"), N_("Cette ressource n'existe pas.")),
    "metrics-forbidden": (
        N_("Accès refusé"),
        N_("Les métriques ne sont servies qu'en local, ou avec le jeton FABRIQUE_METRICS_TOKEN."),
    ),
    "password-length": (
        N_("Mot de passe refusé"),
        N_("Le mot de passe doit compter de {minimum} à {maximum} caractères."),
    ),
    "account-exists": (N_("Compte existant"), N_("Un compte existe déjà pour {email}.")),
    "account-not-found": (N_("Compte introuvable"), N_("Aucun compte pour {email}.")),
    "earner-link-invalid": (
        N_("Lien invalide"),
        N_(
            "Ce lien personnel n'est pas valide : vérifiez qu'il a été copié en entier depuis votre courriel."
        ),
    ),
    # Wallets (OID4VCI): the words of error_description; ``error`` is the protocol's code.
    "wallet-offers-too-many": (
        N_("Trop d'offres en cours"),
        N_(
            "Plusieurs offres pour ce badge sont déjà en cours : utilisez l'une d'elles ou attendez {minutes} minutes."
        ),
    ),
    "wallet-offer-expired": (
        N_("Offre expirée"),
        N_("Cette offre n'est plus valable : demandez-en une nouvelle sur la page de votre badge."),
    ),
    "wallet-code-invalid": (
        N_("Code invalide"),
        N_("Ce code d'offre n'est pas valable, a déjà servi ou a expiré."),
    ),
    "wallet-tx-code-wrong": (
        N_("Code de confirmation erroné"),
        N_("Le code de confirmation ne correspond pas : recopiez celui affiché sur la page de votre badge."),
    ),
    "wallet-grant-unsupported": (
        N_("Type d'autorisation non pris en charge"),
        N_("Seul le code pré-autorisé (pre-authorized_code) est accepté."),
    ),
    "wallet-request-invalid": (N_("Demande invalide"), N_("La demande n'est pas lisible.")),
    "wallet-token-invalid": (
        N_("Jeton d'accès invalide"),
        N_("Le jeton d'accès est absent, inconnu, expiré ou a déjà servi."),
    ),
    "wallet-configuration-unknown": (
        N_("Format inconnu"),
        N_("Ce format de badge n'est pas proposé par cet émetteur."),
    ),
    "wallet-proof-missing": (N_("Preuve absente"), N_("La demande doit porter une preuve JWT de la clé.")),
    "wallet-proof-count": (N_("Preuves en nombre"), N_("Une seule preuve JWT est attendue.")),
    "wallet-nonce-invalid": (
        N_("Nonce invalide"),
        N_("Le nonce de la preuve n'a pas été donné par cet émetteur, a déjà servi ou a expiré."),
    ),
    "wallet-award-revoked": (
        N_("Badge révoqué"),
        N_("Ce badge a été révoqué : il ne peut plus être délivré."),
    ),
    "vp-malformed": (
        N_("Présentation illisible"),
        N_("La présentation vérifiable n'a pas la forme attendue."),
    ),
    "vp-holder": (
        N_("Détenteur refusé"),
        N_("Le détenteur de la présentation doit être un did:key Ed25519."),
    ),
    "vp-challenge": (
        N_("Défi erroné"),
        N_("La présentation ne porte pas le défi (challenge) de cet échange."),
    ),
    "vp-domain": (N_("Domaine erroné"), N_("La présentation ne nomme pas ce site comme domaine.")),
    "vp-key": (
        N_("Clé étrangère"),
        N_("La présentation est signée par une autre clé que celle de son détenteur."),
    ),
    "vp-signature": (N_("Signature invalide"), N_("La signature de la présentation ne correspond pas.")),
    "vp-unverifiable": (
        N_("Vérification impossible"),
        N_("La présentation n'a pas pu être vérifiée à temps : réessayez."),
    ),
    "proof-malformed": (N_("Preuve illisible"), N_("La preuve n'est pas un JWT lisible.")),
    "proof-type": (N_("Preuve mal typée"), N_("L'en-tête typ de la preuve doit être openid4vci-proof+jwt.")),
    "proof-algorithm": (
        N_("Algorithme refusé"),
        N_("La preuve doit être signée en EdDSA (Ed25519) ou ES256 (P-256)."),
    ),
    "proof-key": (
        N_("Clé de la preuve refusée"),
        N_(
            "La clé doit être nommée par un did:key ou did:jwk (kid), ou donnée en jwk public, et pas les deux."
        ),
    ),
    "proof-signature": (
        N_("Signature invalide"),
        N_("La signature de la preuve ne correspond pas à sa clé."),
    ),
    "proof-audience": (
        N_("Mauvais destinataire"),
        N_("La preuve doit nommer cet émetteur comme destinataire (aud)."),
    ),
    "proof-time": (
        N_("Preuve hors délai"),
        N_("La preuve a été faite il y a plus de 5 minutes, ou dans le futur."),
    ),
    "proof-nonce-missing": (N_("Nonce absent"), N_("La preuve doit porter le nonce donné par cet émetteur.")),
    "email-invalid": (N_("Adresse invalide"), N_("L'adresse électronique n'est pas valide.")),
    "attestation-not-found": (
        N_("Pas d'attestation"),
        N_("Ce badge ne vient pas d'une formation suivie : il n'a pas d'attestation de formation."),
    ),
    "earner-space-link-invalid": (
        N_("Lien invalide"),
        N_("Ce lien vers vos badges n'est pas valide : vérifiez qu'il a été copié en entier."),
    ),
    "earner-space-link-expired": (
        N_("Lien expiré"),
        N_("Ce lien vers vos badges a expiré : demandez-en un nouveau, il arrive en quelques minutes."),
    ),
    "award-erased": (
        N_("Badge effacé"),
        N_("Ce badge a été effacé à la demande de la personne titulaire ; il est révoqué."),
    ),
    "award-page-private": (
        N_("Page de badge privée"),
        N_("La personne titulaire de ce badge n'a pas rendu sa page publique."),
    ),
    "route-not-found": (N_("Introuvable"), N_("Aucune ressource à cette adresse.")),
    "issuer-not-found": (N_("Émetteur introuvable"), N_("Aucun émetteur n'a l'identifiant {id}.")),
    "badge-class-not-found": (N_("Badge introuvable"), N_("Aucun badge n'a l'identifiant {id}.")),
    "award-not-found": (N_("Attribution introuvable"), N_("Aucune attribution n'a l'identifiant {id}.")),
    "key-not-found": (N_("Clé introuvable"), N_("Aucune clé publique n'a l'identifiant {id}.")),
    "token-not-found": (N_("Jeton introuvable"), N_("Aucun jeton n'a l'identifiant {id}.")),
    "image-not-found": (N_("Image absente"), N_("Cette ressource n'a pas d'image.")),
    "status-list-not-found": (
        N_("Liste de statuts introuvable"),
        N_("Aucune liste de statuts n'a l'identifiant {id}."),
    ),
    "key-withdrawn": (
        N_("Clé retirée"),
        N_("La clé {id} a été retirée par son émetteur : ce qu'elle a signé n'est plus vérifiable."),
    ),
    "key-is-active": (
        N_("Clé active"),
        N_("La clé {id} est la clé active : faites d'abord une rotation, puis retirez l'ancienne clé."),
    ),
    "key-already-withdrawn": (N_("Déjà retirée"), N_("La clé {id} est déjà retirée.")),
    "conflict": (N_("Conflit"), N_("La requête entre en conflit avec l'état actuel.")),
    "issuer-has-badge-classes": (
        N_("Émetteur utilisé"),
        N_(
            "L'émetteur {id} a des badges : supprimez-les d'abord (un badge déjà attribué ne peut pas l'être)."
        ),
    ),
    "badge-class-has-awards": (
        N_("Badge déjà attribué"),
        N_(
            "Le badge {id} a été attribué : il ne peut plus être supprimé (les attributions y renvoient pour toujours)."
        ),
    ),
    "award-already-revoked": (N_("Déjà révoquée"), N_("L'attribution {id} est déjà révoquée.")),
    "issuer-has-no-signing-key": (
        N_("Aucune clé de signature"),
        N_("L'émetteur {id} n'a pas de clé active : lancez « fabrique keys rotate --issuer {id} »."),
    ),
    "credential-schema-invalid": (
        N_("Badge non conforme"),
        N_("Le badge Open Badges 3.0 ne respecte pas le schéma officiel ; il n'a pas été signé : {errors}"),
    ),
    "credential-not-available": (
        N_("Format indisponible"),
        N_("Cette attribution n'a pas de version Open Badges 3.0 (émise avant sa prise en charge)."),
    ),
    "field-required": (N_("Champ obligatoire"), N_("Ce champ est obligatoire.")),
    "account-needs-issuer": (
        N_("Émetteur requis"),
        N_("Un compte « {role} » doit avoir au moins un émetteur : cochez-en un."),
    ),
    "account-email-invalid": (N_("Adresse invalide"), N_("Indiquez une adresse électronique valide.")),
    "account-already-active": (
        N_("Compte déjà actif"),
        N_(
            "Ce compte a déjà choisi son mot de passe : il peut demander à le changer depuis la page de connexion."
        ),
    ),
    "account-is-yours": (
        N_("C'est votre compte"),
        N_("Vous ne pouvez ni désactiver votre propre compte ni lui retirer l'administration."),
    ),
    "account-link-invalid": (
        N_("Lien invalide ou expiré"),
        N_("Ce lien a déjà servi, a expiré ou a été remplacé par un plus récent : demandez-en un nouveau."),
    ),
    "password-mismatch": (
        N_("Mots de passe différents"),
        N_("Les deux mots de passe ne sont pas identiques."),
    ),
    "sign-in-name-invalid": (
        N_("Nom refusé"),
        N_("Tapez votre nom (200 caractères au plus, sans caractères invisibles)."),
    ),
    "sign-in-certify": (N_("Certification requise"), N_("Cochez la case pour certifier votre présence.")),
    "pdf-unavailable": (
        N_("PDF indisponible"),
        N_(
            "Ce serveur ne peut pas produire de PDF : la bibliothèque Pango manque (l'exploitant l'installe, voir le README)."
        ),
    ),
    "badge-class-required": (N_("Badge à choisir"), N_("Choisissez le badge à attribuer.")),
    "award-list-file": (
        N_("Fichier refusé"),
        N_("Choisissez un fichier CSV non vide de {limit} Ko au plus (nom, adresse électronique, langue)."),
    ),
    "criteria-required": (
        N_("Critères requis"),
        N_("Un badge doit avoir des critères : un texte (criteria_narrative) ou une adresse (criteria_url)."),
    ),
    "issued-on-in-future": (
        N_("Date d'émission future"),
        N_("La date d'émission ne peut pas être dans le futur."),
    ),
    "expires-before-issue": (
        N_("Expiration invalide"),
        N_("La date d'expiration doit suivre la date d'émission."),
    ),
    "image-format-unavailable": (
        N_("Format indisponible"),
        N_("L'image de ce badge est en SVG : elle ne peut pas être fournie en PNG."),
    ),
    "image-missing": (N_("Image manquante"), N_("Choisissez l'image du badge (PNG ou SVG).")),
    "image-empty": (N_("Image vide"), N_("Le fichier image est vide.")),
    "image-too-large": (
        N_("Image trop lourde"),
        N_("L'image pèse {size} octets ; la limite est de {limit} octets."),
    ),
    "image-unsupported-type": (
        N_("Format d'image refusé"),
        N_("Seules les images PNG et SVG sont acceptées."),
    ),
    "image-corrupt": (N_("Image illisible"), N_("Ce fichier PNG est corrompu ou tronqué.")),
    "image-bad-dimensions": (
        N_("Dimensions refusées"),
        N_("L'image mesure {width}×{height} pixels ; chaque côté doit être entre {minimum} et {maximum}."),
    ),
    "image-svg-unsafe-or-invalid": (
        N_("SVG refusé"),
        N_("Ce SVG est invalide ou contient du contenu actif ou externe ({reason})."),
    ),
    "image-svg-encoding": (
        N_("SVG illisible"),
        N_("Ce SVG n'est pas écrit dans l'encodage qu'il annonce : enregistrez-le en UTF-8."),
    ),
    "image-already-baked": (
        N_("Image déjà porteuse d'un badge"),
        N_(
            "Cette image contient déjà un badge émis (c'est le badge de quelqu'un) : "
            "envoyez l'image d'origine, sans badge intégré."
        ),
    ),
    "badge-image-unbakable": (
        N_("Image du badge inutilisable"),
        N_(
            "L'image de ce modèle de badge ne peut pas recevoir le badge : le coordinateur doit la "
            "remplacer. Le badge reste valable sous ses autres formes."
        ),
    ),
    "image-type-mismatch": (
        N_("Type d'image incohérent"),
        N_("Le fichier est annoncé comme {declared} mais contient {actual}."),
    ),
    "token-needs-issuer": (
        N_("Émetteur requis"),
        N_("Un jeton « {role} » doit être limité à au moins un émetteur (--issuer)."),
    ),
    "admin-token-has-no-scope": (
        N_("Portée inutile"),
        N_("Un jeton administrateur vaut pour tous les émetteurs : n'indiquez pas --issuer."),
    ),
    "too-many-requests": (
        N_("Trop de demandes"),
        N_("Trop de demandes depuis votre adresse : réessayez dans {retry_after} secondes."),
    ),
    "resend-too-soon": (
        N_("Renvoi trop rapproché"),
        N_("Un courriel vient d'être envoyé pour ce badge : réessayez dans {minutes} minutes."),
    ),
    "resend-too-many": (
        N_("Trop de renvois"),
        N_("Ce badge a déjà été envoyé {per_day} fois aujourd'hui : réessayez demain."),
    ),
    "resend-not-possible": (
        N_("Renvoi impossible"),
        N_("Ce badge est révoqué ou effacé : aucun courriel n'est renvoyé."),
    ),
    "viewer-no-people": (
        N_("Données personnelles réservées"),
        N_(
            "Un jeton de consultation ne voit ni les adresses ni les noms des personnes, et ne peut pas chercher par adresse."
        ),
    ),
    "request-timeout": (
        N_("Requête trop lente"),
        N_("Le corps de la requête n'est pas arrivé en entier en {seconds} secondes."),
    ),
    "payload-too-large": (
        N_("Requête trop volumineuse"),
        N_("Le corps de la requête dépasse {limit} octets."),
    ),
    "method-not-allowed": (N_("Méthode non autorisée"), N_("Cette méthode HTTP n'est pas acceptée ici.")),
    "not-acceptable": (N_("Format indisponible"), N_("Ce document n'existe pas dans le format demandé.")),
    "verifier-busy": (
        N_("Vérificateur occupé"),
        N_("Trop de vérifications de documents inconnus sont en cours ; réessayez dans un instant."),
    ),
    "signing-unavailable": (
        N_("Signature indisponible"),
        N_(
            "La clé de signature de cet émetteur est inaccessible sur ce serveur ; l'exploitant a été alerté."
        ),
    ),
    "service-unavailable": (
        N_("Service indisponible"),
        N_("La base de données ne répond pas ; réessayez dans un instant."),
    ),
    "internal-error": (
        N_("Erreur interne"),
        N_("Une erreur inattendue s'est produite ; elle a été journalisée."),
    ),
}

MESSAGES.update(TRAINING_MESSAGES)
MESSAGES.update(ENDORSEMENT_MESSAGES)
MESSAGES.update(THEME_MESSAGES)


def render(code: str, language: Language, params: dict[str, Any]) -> tuple[str, str]:
    """(title, detail) in the language, with parameters filled in; unknown codes fall back."""
    title, detail = MESSAGES.get(code, MESSAGES["bad-request"])
    return text(title, language), text(detail, language, params)


# Why a field is refused, by code.
FIELD_MESSAGES: dict[str, str] = {
    "missing": N_("champ obligatoire manquant"),
    "extra_forbidden": N_("champ inconnu"),
    "string_too_short": N_("texte trop court (au moins {min_length} caractère(s))"),
    "string_too_long": N_("texte trop long (au plus {max_length} caractères)"),
    "string_type": N_("un texte est attendu"),
    "int_parsing": N_("un nombre entier est attendu"),
    "int_type": N_("un nombre entier est attendu"),
    "greater_than_equal": N_("doit être au moins {ge}"),
    "less_than_equal": N_("doit être au plus {le}"),
    "too_long": N_("liste trop longue (au plus {max_length} éléments)"),
    "list_type": N_("une liste est attendue"),
    "url_parsing": N_("adresse web invalide"),
    "url_scheme": N_("l'adresse doit commencer par http:// ou https://"),
    "datetime_parsing": N_("date invalide (format ISO 8601 attendu)"),
    "datetime_type": N_("date invalide (format ISO 8601 attendu)"),
    "timezone_aware": N_("la date doit préciser son fuseau (ex. 2026-11-22T10:00:00+01:00)"),
    "model_attributes_type": N_("un objet JSON est attendu"),
    "dict_type": N_("un objet JSON est attendu"),
    "enum": N_("valeur non autorisée"),
    "literal_error": N_("valeur non autorisée"),
    "json_invalid": N_("le JSON est mal formé"),
    "text-control-characters": N_("les caractères de contrôle ne sont pas acceptés"),
    "text-invisible-characters": N_(
        "les caractères invisibles ou qui changent le sens du texte ne sont pas acceptés"
    ),
    "language-tag-invalid": N_("un code de langue BCP 47 est attendu, par exemple fr ou fr-FR"),
    "url-not-absolute": N_("une adresse web complète est attendue (http:// ou https://)"),
    "image-data-too-large": N_("image trop lourde"),
    "image-data-uri-expected": N_(
        "une URI data:image/png;base64,… ou data:image/svg+xml;base64,… est attendue"
    ),
    "image-base64-invalid": N_("les données base64 de l'image sont invalides"),
    "siret-invalid": N_("SIRET invalide (14 chiffres avec une clé valide)"),
    "rna-invalid": N_("numéro RNA invalide (W suivi de 9 caractères)"),
    "linkedin-id-invalid": N_(
        "identifiant LinkedIn invalide : le nombre qui suit /company/ dans l'adresse d'administration de la page"
    ),
    "criteria-required": N_("criteria_narrative ou criteria_url est obligatoire"),
    "evidence-empty": N_("une preuve doit avoir une adresse (url) ou un texte (narrative)"),
    "date-out-of-range": N_("la date doit être comprise entre {first} et {last}"),
    "expires-before-issue": N_("expires_at doit suivre issued_on"),
    "email-invalid": N_("adresse électronique invalide"),
    "half-day-ends-before-start": N_("la fin de la demi-journée doit suivre son début"),
    "half-day-too-long": N_("une demi-journée dure au plus {hours} heures"),
    "half-days-overlap": N_("des demi-journées se chevauchent"),
    "peer-limits-inverted": N_("max_session_peers doit être au moins égal à min_session_peers"),
}
FIELD_REFUSED = N_("valeur refusée")


def field_message(code: str, language: Language, params: dict[str, Any]) -> str:
    """Why a field is refused, in the language, with its parameters filled in."""
    return text(FIELD_MESSAGES.get(code, FIELD_REFUSED), language, params)
