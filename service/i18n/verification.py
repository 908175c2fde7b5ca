"""Every word a verification shows to a person, by code, in French then English.

The verifiers (``service.verification``) decide with codes and parameters; the API, the pages
and the CLI choose the words here. ``tests/unit/test_verification_messages.py`` fails when a code
used by the verifiers has no message in either language. Adding a language is adding a column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from babel.dates import format_date

from service.verification.identity import Identity, IssuerIdentity
from service.verification.report import Check, Report

Language = str  # "fr" or "en"
FR, EN = 0, 1

CHECK_NAMES: dict[str, tuple[str, str]] = {
    "format": ("Format", "Format"),
    "fetch": ("Accès au document", "Document access"),
    "hosted": ("Copie publiée par l'émetteur", "Issuer's published copy"),
    "schema": ("Conformité au schéma", "Schema"),
    "proof": ("Preuve cryptographique", "Cryptographic proof"),
    "signature": ("Signature", "Signature"),
    "key": ("Clé de l'émetteur", "Issuer's key"),
    "key-owner": ("La clé appartient à l'émetteur", "The key belongs to the issuer"),
    "issuer-key": ("La clé appartient à l'émetteur", "The key belongs to the issuer"),
    "issuer": ("Émetteur", "Issuer"),
    "status": ("Statut (révocation)", "Status (revocation)"),
    "validity": ("Période de validité", "Validity period"),
    "recipient": ("Titulaire", "Recipient"),
    "badge": ("Badge", "Badge class"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    # reading the input
    "unreadable": ("donnée illisible", "unreadable input"),
    "no-baked-badge": ("aucun badge n'est intégré à cette image", "no badge is baked in this image"),
    "too-large": ("plus de 1 Mio", "larger than 1 MiB"),
    "unrecognised": (
        "ni un lien, ni un badge JSON, ni un jeton JWS/JWT, ni une image avec un badge intégré",
        "neither a URL, a JSON badge, a compact JWS/JWT nor a baked image",
    ),
    "not-an-object": ("le JSON n'est pas un objet", "the JSON is not an object"),
    "not-a-badge": (
        "ni une assertion Open Badges 2.0, ni un credential Open Badges 3.0",
        "not an Open Badges 2.0 assertion nor an Open Badges 3.0 credential",
    ),
    "not-a-jws": ("pas un JWS compact sur un objet JSON", "not a compact JWS over a JSON object"),
    "not-a-jwt": ("pas un JWT", "not a JWT"),
    "no-creator": (
        "verification.creator (l'adresse de la clé de signature) manque",
        "verification.creator (the signing key's URL) is missing",
    ),
    "first-context": ("le premier @context doit être {context}", "the first @context must be {context}"),
    "not-a-vc": ("le type doit comprendre VerifiableCredential", "type must list VerifiableCredential"),
    "vc-1": ("un Verifiable Credential (modèle de données 1.1)", "a Verifiable Credential (data model 1.1)"),
    "vc-2": ("un Verifiable Credential (modèle de données 2.0)", "a Verifiable Credential (data model 2.0)"),
    # documents
    "refused-bad-url": ("refusé : {url} n'est pas une adresse valide", "refused: {url} is not a valid URL"),
    "refused-loopback": ("refusé : {url} désigne une adresse locale", "refused: {url} is a loopback address"),
    "refused-link-local": (
        "refusé : {url} désigne une adresse de lien local (celle des métadonnées des clouds)",
        "refused: {url} is a link-local address (cloud metadata lives there)",
    ),
    "refused-private": (
        "refusé : {url} désigne un réseau privé",
        "refused: {url} is a private network address",
    ),
    "refused-not-public": (
        "refusé : {url} n'est pas une adresse publique",
        "refused: {url} is not a public unicast address",
    ),
    "refused-not-https": ("refusé : {url} n'est pas une adresse https", "refused: {url} is not an https URL"),
    "refused-too-large": (
        "refusé : {url} dépasse la taille permise",
        "refused: {url} is larger than the limit",
    ),
    "refused-redirects": (
        "refusé : trop de redirections depuis {url}",
        "refused: too many redirects from {url}",
    ),
    "too-slow": ("{url} a mis trop de temps à répondre", "{url} took too long to answer"),
    "not-json": ("{url} n'a pas répondu en JSON", "{url} did not answer JSON"),
    "url-unreachable": ("{url} est inaccessible", "{url} could not be reached"),
    "document-missing": ("{url} n'existe pas (HTTP {status})", "{url} does not exist (HTTP {status})"),
    "assertion-unreachable": (
        "l'assertion hébergée {url} est inaccessible",
        "the hosted assertion {url} could not be reached",
    ),
    "hosted-id-mismatch": (
        "l'identifiant de l'assertion hébergée n'est pas l'adresse d'où elle vient",
        "the hosted assertion's id is not the URL it was fetched from",
    ),
    "differs-from-hosted": (
        "le document soumis diffère de celui publié par l'émetteur ({fields})",
        "the submitted document differs from the one the issuer publishes ({fields})",
    ),
    "hosted-at": ("copie de l'émetteur obtenue depuis {url}", "the issuer's copy, fetched from {url}"),
    "badge-not-a-url": ("le badge n'est pas désigné par une adresse", "the badge is not given as a URL"),
    "badge-unreachable": (
        "le badge (BadgeClass) {url} est inaccessible",
        "the badge class {url} could not be reached",
    ),
    "badge-class": ("badge « {name} » de « {issuer} »", "badge “{name}” by “{issuer}”"),
    "issuer-not-a-url": ("l'émetteur n'est pas désigné par une adresse", "the issuer is not given as a URL"),
    "issuer-unreachable": (
        "le profil de l'émetteur {url} est inaccessible",
        "the issuer profile {url} could not be reached",
    ),
    "not-on-issuer-domain": (
        "l'assertion n'est pas hébergée sur le domaine de son émetteur",
        "the assertion is not hosted on its issuer's domain",
    ),
    "hosted-by-issuer": ("hébergée par son émetteur, sur {domain}", "hosted by its issuer, on {domain}"),
    # keys and signatures
    "ob2-algorithm": (
        "l'algorithme {algorithm} n'est pas RS256, celui d'Open Badges 2.0",
        "algorithm {algorithm} is not RS256, the OB 2.0 signing algorithm",
    ),
    "tampered": ("la signature ne correspond pas au document", "the signature does not match the document"),
    "signed": ("signature valide", "valid signature"),
    "signed-by": (
        "signé avec une clé de l'émetteur",
        "signed with one of the issuer's keys",
    ),
    "jwt-signed-by": (
        "jeton signé ({algorithm}) avec une clé de l'émetteur",
        "token signed ({algorithm}) with one of the issuer's keys",
    ),
    "key-withdrawn": (
        "la clé de signature a été retirée par l'émetteur (compromise) : ce qu'elle a signé ne vaut plus",
        "the signing key was withdrawn by its issuer (compromised): what it signed no longer counts",
    ),
    "key-unreachable": ("la clé {url} est inaccessible", "the key {url} could not be reached"),
    "key-owner-mismatch": (
        "la clé de signature ne désigne pas l'émetteur comme son propriétaire",
        "the signing key does not name the issuer as its owner",
    ),
    "key-declared": (
        "la clé de signature est celle que déclare l'émetteur",
        "the signing key is the issuer's declared key",
    ),
    "key-earlier": (
        "la clé de signature est une clé antérieure de l'émetteur, toujours publiée par lui",
        "the signing key is an earlier key of the issuer, still published by it",
    ),
    "key-not-the-issuers": (
        "la clé de signature n'est pas une clé que l'émetteur publie",
        "the signing key is not one the issuer publishes",
    ),
    "key-of-issuer": (
        "la clé est publiée par l'émetteur",
        "the key is published by the issuer",
    ),
    "did-unreachable": (
        "le document {url} de l'émetteur est inaccessible",
        "the issuer's document {url} could not be reached",
    ),
    "iss-mismatch": (
        "le champ iss du JWT n'est pas l'émetteur du credential",
        "the JWT's iss is not the credential's issuer",
    ),
    "claims-mismatch": (
        "la déclaration {claim} du JWT ne correspond pas au credential",
        "the JWT's {claim} claim does not match the credential",
    ),
    "proof-missing": (
        "aucune preuve DataIntegrityProof eddsa-rdfc-2022 ni Ed25519Signature2020",
        "no DataIntegrityProof with cryptosuite eddsa-rdfc-2022, nor Ed25519Signature2020",
    ),
    "proof-purpose": (
        "la preuve n'a pas pour objet assertionMethod",
        "the proof's purpose is not assertionMethod",
    ),
    "proof-no-method": ("la preuve ne nomme aucune clé", "the proof names no verification method"),
    "key-unresolved": (
        "la clé de signature est introuvable",
        "the signing key cannot be found",
    ),
    "undefined-term": (
        "la propriété « {term} » n'est définie par aucun contexte : elle n'est pas couverte par la signature",
        "the property “{term}” is defined by no context: the signature does not cover it",
    ),
    "relative-iri": (
        "« {term} » n'est pas une adresse absolue : la signature ne la couvre pas",
        "“{term}” is not an absolute IRI: the signature does not cover it",
    ),
    "unknown-context": ("contexte JSON-LD inconnu : {term}", "unknown JSON-LD context: {term}"),
    "invalid-jsonld": (
        "le document n'est pas du JSON-LD valide",
        "the document is not valid JSON-LD",
    ),
    "inline-context-too-large": (
        "contexte JSON-LD intégré trop grand (plus de {term} octets)",
        "inline JSON-LD context too large (over {term} bytes)",
    ),
    "inline-context-too-deep": (
        "contextes JSON-LD imbriqués trop profondément (plus de {term} niveaux)",
        "inline JSON-LD contexts nested too deep (over {term} levels)",
    ),
    "graph-too-complex": (
        "graphe trop complexe : le document ne peut pas être vérifié",
        "graph too complex: the document cannot be verified",
    ),
    "canonicalization-failed": (
        "le document ne peut pas être canonisé",
        "the document cannot be canonicalized",
    ),
    "malformed-proof": ("preuve mal formée", "malformed proof"),
    "signature-mismatch": (
        "la signature ne correspond pas au document",
        "the signature does not match the document",
    ),
    "schema-errors": (
        "non conforme au schéma JSON OB 3.0 de 1EdTech (le détail est dans la réponse de l'API)",
        "not valid against the 1EdTech OB 3.0 JSON Schema (the details are in the API's answer)",
    ),
    "schema-vc1": (
        "OB 3.0 sur VC 1.1 : forme non jugée d'après le schéma 3.0.3, plus récent",
        "OB 3.0 on VC 1.1: its shape is not judged against the later 3.0.3 schema",
    ),
    "key-in-token": (
        "le jeton porte sa propre clé : elle ne prouve pas l'identité de l'émetteur",
        "the token carries its own key: it does not prove the issuer's identity",
    ),
    "schema-ok": (
        "conforme au schéma JSON OB 3.0 de 1EdTech",
        "valid against the 1EdTech OB 3.0 JSON Schema",
    ),
    # status
    "no-revocation-list": (
        "l'émetteur ne publie pas de liste de révocation",
        "the issuer publishes no revocation list",
    ),
    "revocation-list-unreachable": (
        "la liste de révocation {url} est inaccessible",
        "the revocation list {url} could not be reached",
    ),
    "revoked": ("révoqué par l'émetteur", "revoked by the issuer"),
    "revoked-because": ("révoqué par l'émetteur : {reason}", "revoked by the issuer: {reason}"),
    "suspended": ("suspendu par l'émetteur", "suspended by the issuer"),
    "not-revoked": ("non révoqué", "not revoked"),
    "not-suspended": ("non suspendu", "not suspended"),
    "not-revoked-nor-suspended": ("ni révoqué, ni suspendu", "neither revoked nor suspended"),
    "no-status-entry": (
        "le credential ne porte pas d'entrée de statut",
        "the credential carries no status entry",
    ),
    "no-status-checker": ("le statut ne peut pas être vérifié", "the status cannot be checked"),
    "status-type-unsupported": (
        "type de statut non pris en charge : {type}",
        "unsupported credentialStatus type: {type}",
    ),
    "status-entry-malformed": ("entrée de statut mal formée", "malformed BitstringStatusListEntry"),
    "status-list-unreachable": (
        "la liste de statut {url} est inaccessible",
        "the status list {url} could not be reached",
    ),
    "status-list-other-issuer": (
        "la liste de statut n'est pas publiée par l'émetteur du credential",
        "the status list is not published by the credential's issuer",
    ),
    "status-list-proof": (
        "la signature de la liste de statut ne se vérifie pas",
        "the status list's signature does not verify",
    ),
    "status-list-purpose": (
        "la liste de statut ne correspond pas à l'objet de l'entrée",
        "the status list does not match the entry's purpose",
    ),
    "status-list-unreadable": ("liste de statut illisible", "unreadable status list"),
    # dates and recipient
    "unreadable-date": ("date illisible : {value}", "unreadable date: {value}"),
    "expired": ("expiré le {date}", "expired on {date}"),
    "valid-until": ("valide jusqu'au {date}", "valid until {date}"),
    "not-yet-valid": ("pas encore valide (à partir du {date})", "not valid before {date}"),
    "within-validity": ("dans sa période de validité", "within its validity period"),
    "recipient-matches": (
        "le badge a été délivré à l'adresse indiquée",
        "the badge belongs to the expected email",
    ),
    "recipient-differs": (
        "le badge n'a pas été délivré à l'adresse indiquée",
        "the badge does not belong to the expected email",
    ),
}

FORMS: dict[str, tuple[str, str]] = {
    "ob2-hosted": ("Open Badges 2.0, hébergé par l'émetteur", "Open Badges 2.0, hosted by the issuer"),
    "ob2-signed": ("Open Badges 2.0, signé", "Open Badges 2.0, signed"),
    "ob3-data-integrity": ("Open Badges 3.0, preuve intégrée", "Open Badges 3.0, embedded proof"),
    "ob3-jwt": ("Open Badges 3.0, jeton JWT", "Open Badges 3.0, JWT"),
    "unknown": ("non reconnue", "not recognised"),
}


def form_label(form: str, language: Language) -> str:
    return FORMS.get(form, (form, form))[_index(language)]


# The headline: one sentence that says what is true, chosen from the failures in this order.
FORGED = frozenset(
    {
        "tampered",
        "signature-mismatch",
        "undefined-term",
        "relative-iri",
        "claims-mismatch",
        "key-not-the-issuers",
        "key-owner-mismatch",
        "iss-mismatch",
        "hosted-id-mismatch",
        "not-on-issuer-domain",
    }
)
TOO_COMPLEX = frozenset({"graph-too-complex", "inline-context-too-large", "inline-context-too-deep"})
HEADLINES: dict[str, tuple[str, str]] = {
    "valid": ("Badge authentique et valide : {what}.", "Genuine and valid badge: {what}."),
    "valid-anonymous": (
        "Signature valide, mais l'identité de l'émetteur n'est pas vérifiée : {what}.",
        "Valid signature, but the issuer's identity is not verified: {what}.",
    ),
    "forged": (
        "Falsifié : la signature ne correspond pas au document.",
        "Forged: the signature does not match the document.",
    ),
    "differs": (
        "Falsifié : le document soumis diffère de celui publié par l'émetteur.",
        "Forged: the submitted document differs from the one the issuer publishes.",
    ),
    "withdrawn-key": (
        "Non valide : signé avec une clé que l'émetteur a retirée (compromise).",
        "Not valid: signed with a key its issuer withdrew (compromised).",
    ),
    "revoked": ("Révoqué par l'émetteur{date}{reason}.", "Revoked by the issuer{date}{reason}."),
    "suspended": ("Suspendu par l'émetteur.", "Suspended by the issuer."),
    "expired": ("Expiré le {date}.", "Expired on {date}."),
    "not-yet-valid": ("Pas encore valide : il le sera le {date}.", "Not valid yet: it will be on {date}."),
    "wrong-recipient": (
        "Ce badge n'a pas été délivré à cette adresse.",
        "This badge was not issued to this address.",
    ),
    "too-complex": (
        "Document refusé : graphe trop complexe pour être vérifié.",
        "Document refused: graph too complex to verify.",
    ),
    "cannot-tell": (
        "Impossible de conclure : un document nécessaire est inaccessible.",
        "Cannot tell: a document needed to decide could not be reached.",
    ),
    "invalid": (
        "Ce badge n'est pas valide : voir le détail des vérifications.",
        "This badge is not valid: see the checks.",
    ),
}
WHAT: dict[str, tuple[str, str]] = {
    "badge": ("« {name} »", "“{name}”"),
    "recipient": (", délivré à {recipient}", ", issued to {recipient}"),
    "issued": (", le {date}", ", on {date}"),
    Identity.THIS_INSTANCE: (
        ", émis par {name} (émetteur de ce service)",
        ", issued by {name} (an issuer of this service)",
    ),
    Identity.TRUSTED_LIST: (
        ", émis par {name} (sur la liste de confiance de ce service)",
        ", issued by {name} (on this service's trusted list)",
    ),
    Identity.DOMAIN: (
        ", émis par le titulaire du domaine {domain}",
        ", issued by the holder of the domain {domain}",
    ),
    Identity.NONE: (
        ", d'un émetteur qui se présente comme « {claimed} »",
        ", from an issuer that calls itself “{claimed}”",
    ),
}


def _index(language: Language) -> int:
    return FR if language == "fr" else EN


def reason(code: str, params: Mapping[str, str], language: Language) -> str:
    template = MESSAGES.get(code, (code, code))[_index(language)]
    return _fill(template, params)


def _fill(template: str, params: Mapping[str, str]) -> str:
    try:
        return template.format_map(_MissingAsEmpty(params))
    except (KeyError, ValueError, IndexError):
        return template


class _MissingAsEmpty(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def check_label(name: str, language: Language) -> str:
    return CHECK_NAMES.get(name, (name, name))[_index(language)]


def check_reason(check: Check, language: Language) -> str:
    return reason(check.code, check.params, language)


def date_text(value: str | None, language: Language) -> str:
    """A date as people write it (2 décembre 2026 / December 2, 2026); the text as given when
    it is not a date."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_date(moment.date(), format="long", locale="fr_FR" if language == "fr" else "en_GB")


def headline_code(report: Report, valid: bool, cannot_tell: bool) -> tuple[str, Check | None]:
    if valid:
        return "valid", None
    if cannot_tell:
        return "cannot-tell", None
    order: list[tuple[frozenset[str], str]] = [
        (frozenset({"differs-from-hosted"}), "differs"),
        (FORGED, "forged"),
        (TOO_COMPLEX, "too-complex"),
        (frozenset({"key-withdrawn"}), "withdrawn-key"),
        (frozenset({"revoked", "revoked-because"}), "revoked"),
        (frozenset({"suspended"}), "suspended"),
        (frozenset({"expired"}), "expired"),
        (frozenset({"not-yet-valid"}), "not-yet-valid"),
        (frozenset({"recipient-differs"}), "wrong-recipient"),
    ]
    for codes, headline in order:
        found = report.failed_with(*codes)
        if found is not None:
            return headline, found
    return "invalid", None


def headline(
    code: str,
    cause: Check | None,
    badge: Mapping[str, str | None] | None,
    issuer: IssuerIdentity | None,
    language: Language,
) -> str:
    """The one sentence the reader sees first."""
    i = _index(language)
    if code == "valid" and badge is not None:
        anonymous = issuer is not None and issuer.identity is Identity.NONE
        return HEADLINES["valid-anonymous" if anonymous else "valid"][i].format(
            what=_what(badge, issuer, language)
        )
    params: dict[str, str] = {"reason": "", "date": ""}
    if cause is not None and cause.params.get("date"):
        params["date"] = date_text(cause.params["date"], language)
        if code == "revoked":  # "… le 3 décembre 2026", only when the issuer's server says when
            params["date"] = (" le " if i == FR else " on ") + params["date"]
    if cause is not None and cause.params.get("reason"):
        params["reason"] = (" : " if i == FR else ": ") + cause.params["reason"]
    return HEADLINES.get(code, HEADLINES["invalid"])[i].format(**params)


def _what(badge: Mapping[str, str | None], issuer: IssuerIdentity | None, language: Language) -> str:
    i = _index(language)
    parts = [WHAT["badge"][i].format(name=badge.get("name") or "?")]
    if badge.get("recipient_name"):
        parts.append(WHAT["recipient"][i].format(recipient=badge["recipient_name"]))
    if issuer is not None:
        parts.append(
            WHAT[issuer.identity][i].format(
                name=issuer.name or "?", domain=issuer.domain or "?", claimed=issuer.claimed_name or "?"
            )
        )
    if badge.get("issued"):
        parts.append(WHAT["issued"][i].format(date=date_text(badge.get("issued"), language)))
    return "".join(parts)
