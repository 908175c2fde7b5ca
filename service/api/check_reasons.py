"""The verifiers' reasons (written in English, as the specifications are) in French, for the
people reading a verification report. Values (URLs, dates, key ids) are carried over as they
are. A reason with no French form here is shown in English rather than hidden."""

from __future__ import annotations

import functools
import re

_R = r"(.+)"
RULES: list[tuple[str, str]] = [
    # format and schema
    (r"a Verifiable Credential \(data model 2\.0\)", "un Verifiable Credential (modèle de données 2.0)"),
    (r"a credential is a JSON object", "un credential est un objet JSON"),
    (r"larger than 1 MiB", "plus de 1 Mio"),
    (
        r"neither a URL, a JSON badge, a compact JWS/JWT nor a baked image",
        "ni un lien, ni un badge JSON, ni un jeton JWS/JWT, ni une image avec un badge intégré",
    ),
    (r"no badge is baked in this image", "aucun badge n'est intégré à cette image"),
    (
        r"not an Open Badges 2\.0 assertion nor an Open Badges 3\.0 credential",
        "ni une assertion Open Badges 2.0, ni un credential Open Badges 3.0",
    ),
    (r"the JSON is not an object", "le JSON n'est pas un objet"),
    (
        r"the hosted assertion's id is not the URL it was fetched from",
        "l'identifiant de l'assertion hébergée n'est pas l'adresse d'où elle vient",
    ),
    (r"type must list VerifiableCredential", "le type doit comprendre VerifiableCredential"),
    (
        r"verification\.creator \(the signing key's URL\) is missing",
        "verification.creator (l'adresse de la clé de signature) manque",
    ),
    (rf"not a JWT: {_R}", r"pas un JWT : \1"),
    (rf"not a compact JWS over a JSON object: {_R}", r"pas un JWS compact sur un objet JSON : \1"),
    (rf"the assertion could not be fetched \(HTTP {_R}\)", r"l'assertion est inaccessible (HTTP \1)"),
    (rf"the first @context must be {_R}", r"le premier @context doit être \1"),
    (rf"unreadable input: {_R}", r"donnée illisible : \1"),
    (rf"not an OB 3\.0 AchievementCredential: {_R}", r"pas un AchievementCredential OB 3.0 : \1"),
    (r"valid against the 1EdTech OB 3\.0 JSON Schema", "conforme au schéma JSON OB 3.0 de 1EdTech"),
    # documents
    (r"the badge class could not be fetched", "le badge (BadgeClass) est inaccessible"),
    (r"the issuer profile could not be fetched", "le profil de l'émetteur est inaccessible"),
    (rf"badge class {_R} by {_R}", r"badge \1 par \2"),
    (rf"fetched from {_R}", r"obtenu depuis \1"),
    (rf"refused: {_R} is not an https URL", r"refusé : \1 n'est pas une adresse https"),
    (rf"refused: {_R} resolves to {_R} is a loopback address", r"refusé : \1 désigne \2, une adresse locale"),
    (
        rf"refused: {_R} resolves to {_R} is a link-local address \(cloud metadata lives there\)",
        r"refusé : \1 désigne \2, une adresse de lien local (celle des métadonnées des clouds)",
    ),
    (
        rf"refused: {_R} resolves to {_R} is a private network address",
        r"refusé : \1 désigne \2, un réseau privé",
    ),
    (
        rf"refused: {_R} resolves to {_R} is not a public unicast address",
        r"refusé : \1 désigne \2, qui n'est pas une adresse publique",
    ),
    (rf"refused: more than {_R} redirects from {_R}", r"refusé : plus de \1 redirections depuis \2"),
    (rf"refused: {_R} is larger than the limit", r"refusé : \1 dépasse la taille permise"),
    # issuer and keys
    (
        r"the assertion is not hosted on its issuer's domain",
        "l'assertion n'est pas hébergée chez son émetteur",
    ),
    (rf"hosted by its issuer {_R}", r"hébergée par son émetteur \1"),
    (r"the JWT's iss is not the credential's issuer", "l'iss du JWT n'est pas l'émetteur du credential"),
    (rf"the key {_R} is not one of the issuer's keys", r"la clé \1 n'est pas une clé de l'émetteur"),
    (rf"the key {_R} could not be fetched", r"la clé \1 est inaccessible"),
    (rf"the key {_R} cannot be resolved", r"la clé \1 est introuvable"),
    (
        rf"the key {_R} does not name the issuer {_R} as its owner",
        r"la clé \1 ne désigne pas l'émetteur \2 comme propriétaire",
    ),
    (
        rf"the key {_R} is neither declared by the issuer nor hosted by it",
        r"la clé \1 n'est ni déclarée ni hébergée par l'émetteur",
    ),
    (rf"the key belongs to the issuer {_R}", r"la clé appartient à l'émetteur \1"),
    (
        r"the signing key is an earlier key of the issuer, still published by it",
        "la clé de signature est une ancienne clé de l'émetteur, toujours publiée",
    ),
    (r"the signing key is the issuer's declared key", "la clé de signature est celle que déclare l'émetteur"),
    # proofs and signatures
    (rf"the JWT does not verify: {_R}", r"le JWT ne se vérifie pas : \1"),
    (rf"JWT signed with {_R} by {_R}", r"JWT signé en \1 par \2"),
    (rf"the signature does not verify with {_R}: {_R}", r"la signature ne se vérifie pas avec \1 : \2"),
    (r"the signature does not match the document", "la signature ne correspond pas au document"),
    (rf"signed by {_R}", r"signé par \1"),
    (rf"malformed document or proof: {_R}", r"document ou preuve mal formé : \1"),
    (rf"no {_R} proof with cryptosuite {_R}", r"aucune preuve \1 avec la suite \2"),
    (r"the proof's purpose is not assertionMethod", "la preuve n'a pas pour objet assertionMethod"),
    (r"the proof names no verification method", "la preuve ne nomme aucune méthode de vérification"),
    (r"jti does not match the credential id", "jti ne correspond pas à l'identifiant du credential"),
    (r"nbf does not match the credential's validFrom", "nbf ne correspond pas au validFrom du credential"),
    (r"sub does not match the credential subject's id", "sub ne correspond pas au titulaire du credential"),
    (r"the credential's validFrom is unreadable", "le validFrom du credential est illisible"),
    # status
    (rf"revoked \(status list {_R}, index {_R}\)", r"révoqué (liste de statut \1, position \2)"),
    (rf"suspended \(status list {_R}, index {_R}\)", r"suspendu (liste de statut \1, position \2)"),
    (rf"revoked: {_R}", r"révoqué : \1"),
    (r"not revoked, not suspended", "ni révoqué, ni suspendu"),
    (r"not revoked", "non révoqué"),
    (r"not in the issuer's revocation list", "absent de la liste de révocation de l'émetteur"),
    (r"the revocation list could not be fetched", "la liste de révocation est inaccessible"),
    (r"the credential carries no status entry", "le credential ne porte pas d'entrée de statut"),
    (r"the issuer publishes no revocation list", "l'émetteur ne publie pas de liste de révocation"),
    (
        r"the credential has a status entry and no status checker was given",
        "le credential a une entrée de statut et aucun moyen de la vérifier n'a été donné",
    ),
    (r"unsupported credentialStatus type", "type de credentialStatus non pris en charge"),
    (r"malformed BitstringStatusListEntry", "BitstringStatusListEntry mal formé"),
    (rf"the status list {_R} could not be fetched", r"la liste de statut \1 est inaccessible"),
    (
        r"the status list is not published by the credential's issuer",
        "la liste de statut n'est pas publiée par l'émetteur du credential",
    ),
    (
        rf"the status list's proof does not verify: {_R}",
        r"la preuve de la liste de statut ne se vérifie pas : \1",
    ),
    (
        r"the status list does not match the entry's purpose",
        "la liste de statut ne correspond pas à l'objet de l'entrée",
    ),
    (rf"unreadable status list: {_R}", r"liste de statut illisible : \1"),
    # validity and recipient
    (rf"expired on {_R}", r"expiré le \1"),
    (rf"not valid before {_R}", r"pas valide avant le \1"),
    (rf"valid until {_R}", r"valide jusqu'au \1"),
    (r"within its validity period", "dans sa période de validité"),
    (rf"unreadable date: {_R}", r"date illisible : \1"),
    (rf"unreadable expiry date {_R}", r"date d'expiration illisible \1"),
    (r"the badge belongs to the expected email", "le badge appartient bien à l'adresse attendue"),
    (r"the badge does not belong to the expected email", "le badge n'appartient pas à l'adresse attendue"),
    # last: the generic forms, once every specific one had its chance
    (rf"{_R} did not answer JSON", r"\1 n'a pas répondu en JSON"),
    (rf"{_R} answered {_R}", r"\1 a répondu \2"),
    (rf"{_R} could not be fetched: {_R}", r"\1 est inaccessible : \2"),
    (rf"{_R} could not be fetched", r"\1 est inaccessible"),
]
_COMPILED = [(re.compile(rf"\A{pattern}\Z", re.DOTALL), french) for pattern, french in RULES]


@functools.lru_cache(maxsize=4096)  # reasons repeat; ``expand`` re-parses its template each call
def in_french(reason: str) -> str:
    for pattern, french in _COMPILED:
        match = pattern.match(reason)
        if match:
            return match.expand(french)
    return reason
