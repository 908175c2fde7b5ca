"""Every word a verification shows to a person, by code, written in French and translated
through the catalogue (``service.i18n.catalogue``).

The verifiers (``service.verification``) decide with codes and parameters; the API, the pages
and the CLI choose the words here. ``tests/unit/test_verification_messages.py`` fails when a code
used by the verifiers has no message here, ``tests/unit/test_catalogue.py`` when a message has no
translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from babel.dates import format_date

from service.i18n.catalogue import N_, text
from service.i18n.formats import BABEL_LOCALES
from service.i18n.language import Language
from service.verification.identity import Identity, IssuerIdentity
from service.verification.report import Check, Report

CHECK_NAMES: dict[str, str] = {
    "format": N_("Format"),
    "fetch": N_("Accès au document"),
    "hosted": N_("Copie publiée par l'émetteur"),
    "schema": N_("Conformité au schéma"),
    "proof": N_("Preuve cryptographique"),
    "signature": N_("Signature"),
    "key": N_("Clé de l'émetteur"),
    "key-owner": N_("La clé appartient à l'émetteur"),
    "issuer-key": N_("La clé appartient à l'émetteur"),
    "issuer": N_("Émetteur"),
    "status": N_("Statut (révocation)"),
    "validity": N_("Période de validité"),
    "recipient": N_("Titulaire"),
    "badge": N_("Modèle de badge"),
    "endorsement": N_("Ce qui est recommandé"),
}

MESSAGES: dict[str, str] = {
    # reading the input
    "unreadable": N_("donnée illisible"),
    "no-baked-badge": N_("aucun badge n'est intégré à cette image"),
    "too-large": N_("plus de 1 Mio"),
    "unrecognised": N_(
        "ni un lien, ni un badge JSON, ni un jeton JWS/JWT, ni une image avec un badge intégré"
    ),
    "not-an-object": N_("le JSON n'est pas un objet"),
    "not-a-badge": N_("ni une assertion Open Badges 2.0, ni un credential Open Badges 3.0"),
    "not-a-jws": N_("pas un JWS compact sur un objet JSON"),
    "not-a-jwt": N_("pas un JWT"),
    "no-creator": N_("verification.creator (l'adresse de la clé de signature) manque"),
    "first-context": N_("le premier @context doit être {context}"),
    "not-a-vc": N_("le type doit comprendre VerifiableCredential"),
    "vc-1": N_("un Verifiable Credential (modèle de données 1.1)"),
    "vc-2": N_("un Verifiable Credential (modèle de données 2.0)"),
    # endorsements, each verified on its own
    "not-an-endorsement": N_("pas une recommandation (EndorsementCredential ou Endorsement)"),
    "endorses-this": N_("recommande bien ce qui la porte ({subject})"),
    "endorses-something-else": N_("recommande autre chose ({subject}) que ce qui la porte"),
    "ob2-endorsement": N_("une recommandation Open Badges 2.0 (Endorsement)"),
    "endorsement-withdrawn": N_("retirée par son auteur·rice"),
    "endorser-profile-missing": N_("le profil de son auteur·rice ({url}) est introuvable"),
    "endorsement-not-hosted-by-author": N_(
        "n'est pas publiée chez son auteur·rice (autre domaine que son profil)"
    ),
    "endorsement-hosted-by-author": N_("publiée au domaine de son auteur·rice"),
    # documents
    "refused-bad-url": N_("refusé : {url} n'est pas une adresse valide"),
    "refused-loopback": N_("refusé : {url} désigne une adresse locale"),
    "refused-link-local": N_(
        "refusé : {url} désigne une adresse de lien local (celle des métadonnées des clouds)"
    ),
    "refused-private": N_("refusé : {url} désigne un réseau privé"),
    "refused-not-public": N_("refusé : {url} n'est pas une adresse publique"),
    "refused-not-https": N_("refusé : {url} n'est pas une adresse https"),
    "refused-too-large": N_("refusé : {url} dépasse la taille permise"),
    "refused-redirects": N_("refusé : trop de redirections depuis {url}"),
    "too-slow": N_("{url} a mis trop de temps à répondre"),
    "not-json": N_("{url} n'a pas répondu en JSON"),
    "url-unreachable": N_("{url} est inaccessible"),
    "document-missing": N_("{url} n'existe pas (HTTP {status})"),
    "assertion-unreachable": N_("l'assertion hébergée {url} est inaccessible"),
    "hosted-id-mismatch": N_("l'identifiant de l'assertion hébergée n'est pas l'adresse d'où elle vient"),
    "differs-from-hosted": N_("le document soumis diffère de celui publié par l'émetteur ({fields})"),
    "hosted-at": N_("copie de l'émetteur obtenue depuis {url}"),
    "badge-not-a-url": N_("le badge n'est pas désigné par une adresse"),
    "badge-unreachable": N_("le badge (BadgeClass) {url} est inaccessible"),
    "badge-class": N_("badge « {name} » de « {issuer} »"),
    "issuer-not-a-url": N_("l'émetteur n'est pas désigné par une adresse"),
    "issuer-unreachable": N_("le profil de l'émetteur {url} est inaccessible"),
    "not-on-issuer-domain": N_("l'assertion n'est pas hébergée sur le domaine de son émetteur"),
    "hosted-by-issuer": N_("hébergée par son émetteur, sur {domain}"),
    # keys and signatures
    "ob2-algorithm": N_("l'algorithme {algorithm} n'est pas RS256, celui d'Open Badges 2.0"),
    "tampered": N_("la signature ne correspond pas au document"),
    "signed": N_("signature valide"),
    "signed-by": N_("signé avec une clé de l'émetteur"),
    "jwt-signed-by": N_("jeton signé ({algorithm}) avec une clé de l'émetteur"),
    "key-withdrawn": N_(
        "la clé de signature a été retirée par l'émetteur (compromise) : ce qu'elle a signé ne vaut plus"
    ),
    "key-unreachable": N_("la clé {url} est inaccessible"),
    "key-owner-mismatch": N_("la clé de signature ne désigne pas l'émetteur comme son propriétaire"),
    "key-declared": N_("la clé de signature est celle que déclare l'émetteur"),
    "key-earlier": N_("la clé de signature est une clé antérieure de l'émetteur, toujours publiée par lui"),
    "key-not-the-issuers": N_("la clé de signature n'est pas une clé que l'émetteur publie"),
    "key-of-issuer": N_("la clé est publiée par l'émetteur"),
    "did-unreachable": N_("le document {url} de l'émetteur est inaccessible"),
    "iss-mismatch": N_("le champ iss du JWT n'est pas l'émetteur du credential"),
    "claims-mismatch": N_("la déclaration {claim} du JWT ne correspond pas au credential"),
    "proof-missing": N_("aucune preuve DataIntegrityProof eddsa-rdfc-2022 ni Ed25519Signature2020"),
    "proof-purpose": N_("la preuve n'a pas pour objet assertionMethod"),
    "proof-no-method": N_("la preuve ne nomme aucune clé"),
    "key-unresolved": N_("la clé de signature est introuvable"),
    "undefined-term": N_(
        "la propriété « {term} » n'est définie par aucun contexte : elle n'est pas couverte par la signature"
    ),
    "relative-iri": N_("« {term} » n'est pas une adresse absolue : la signature ne la couvre pas"),
    "unknown-context": N_("contexte JSON-LD inconnu : {term}"),
    "invalid-jsonld": N_("le document n'est pas du JSON-LD valide"),
    "inline-context-too-large": N_("contexte JSON-LD intégré trop grand (plus de {term} octets)"),
    "inline-context-too-deep": N_("contextes JSON-LD imbriqués trop profondément (plus de {term} niveaux)"),
    "graph-too-complex": N_("graphe trop complexe : le document ne peut pas être vérifié"),
    "canonicalization-failed": N_("le document ne peut pas être canonisé"),
    "malformed-proof": N_("preuve mal formée"),
    "signature-mismatch": N_("la signature ne correspond pas au document"),
    "schema-errors": N_(
        "non conforme au schéma JSON OB 3.0 de 1EdTech (le détail est dans la réponse de l'API)"
    ),
    "schema-vc1": N_("OB 3.0 sur VC 1.1 : forme non jugée d'après le schéma 3.0.3, plus récent"),
    "key-in-token": N_("le jeton porte sa propre clé : elle ne prouve pas l'identité de l'émetteur"),
    "schema-ok": N_("conforme au schéma JSON OB 3.0 de 1EdTech"),
    # status
    "no-revocation-list": N_("l'émetteur ne publie pas de liste de révocation"),
    "revocation-list-unreachable": N_("la liste de révocation {url} est inaccessible"),
    "revoked": N_("révoqué par l'émetteur"),
    "revoked-because": N_("révoqué par l'émetteur : {reason}"),
    "suspended": N_("suspendu par l'émetteur"),
    "not-revoked": N_("non révoqué"),
    "not-suspended": N_("non suspendu"),
    "not-revoked-nor-suspended": N_("ni révoqué, ni suspendu"),
    "no-status-entry": N_("le credential ne porte pas d'entrée de statut"),
    "no-status-checker": N_("le statut ne peut pas être vérifié"),
    "status-type-unsupported": N_("type de statut non pris en charge : {type}"),
    "status-entry-malformed": N_("entrée de statut mal formée"),
    "status-list-unreachable": N_("la liste de statut {url} est inaccessible"),
    "status-list-other-issuer": N_("la liste de statut n'est pas publiée par l'émetteur du credential"),
    "status-list-proof": N_("la signature de la liste de statut ne se vérifie pas"),
    "status-list-purpose": N_("la liste de statut ne correspond pas à l'objet de l'entrée"),
    "status-list-unreadable": N_("liste de statut illisible"),
    # dates and recipient
    "unreadable-date": N_("date illisible : {value}"),
    "expired": N_("expiré le {date}"),
    "valid-until": N_("valide jusqu'au {date}"),
    "not-yet-valid": N_("pas encore valide (à partir du {date})"),
    "within-validity": N_("dans sa période de validité"),
    "recipient-matches": N_("le badge a été délivré à l'adresse indiquée"),
    "recipient-differs": N_("le badge n'a pas été délivré à l'adresse indiquée"),
}

FORMS: dict[str, str] = {
    "ob2-hosted": N_("Open Badges 2.0, hébergé par l'émetteur"),
    "ob2-signed": N_("Open Badges 2.0, signé"),
    "ob3-data-integrity": N_("Open Badges 3.0, preuve intégrée"),
    "ob3-jwt": N_("Open Badges 3.0, jeton JWT"),
    "unknown": N_("non reconnue"),
}


def form_label(form: str, language: Language) -> str:
    return text(FORMS[form], language) if form in FORMS else form


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
HEADLINES: dict[str, str] = {
    "valid": N_("Badge authentique et valide : {what}."),
    "valid-anonymous": N_("Signature valide, mais l'identité de l'émetteur n'est pas vérifiée : {what}."),
    "forged": N_("Falsifié : la signature ne correspond pas au document."),
    "differs": N_("Falsifié : le document soumis diffère de celui publié par l'émetteur."),
    "withdrawn-key": N_("Non valide : signé avec une clé que l'émetteur a retirée (compromise)."),
    "revoked": N_("Révoqué par l'émetteur."),
    "revoked-on": N_("Révoqué par l'émetteur le {date}."),
    "revoked-because": N_("Révoqué par l'émetteur : {reason}."),
    "revoked-on-because": N_("Révoqué par l'émetteur le {date} : {reason}."),
    "suspended": N_("Suspendu par l'émetteur."),
    "expired": N_("Expiré le {date}."),
    "not-yet-valid": N_("Pas encore valide : il le sera le {date}."),
    "wrong-recipient": N_("Ce badge n'a pas été délivré à cette adresse."),
    "too-complex": N_("Document refusé : graphe trop complexe pour être vérifié."),
    "cannot-tell": N_("Impossible de conclure : un document nécessaire est inaccessible."),
    "invalid": N_("Ce badge n'est pas valide : voir le détail des vérifications."),
}
WHAT: dict[str, str] = {
    "badge": N_("« {name} »"),
    "recipient": N_(", délivré à {recipient}"),
    "issued": N_(", le {date}"),
    Identity.THIS_INSTANCE: N_(", émis par {name} (émetteur de ce service)"),
    Identity.TRUSTED_LIST: N_(", émis par {name} (sur la liste de confiance de ce service)"),
    Identity.DOMAIN: N_(", émis par le titulaire du domaine {domain}"),
    Identity.NONE: N_(", d'un émetteur qui se présente comme « {claimed} »"),
}


def reason(code: str, params: Mapping[str, str], language: Language) -> str:
    return text(MESSAGES[code], language, params) if code in MESSAGES else code


def check_label(name: str, language: Language) -> str:
    return text(CHECK_NAMES[name], language) if name in CHECK_NAMES else name


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
    return format_date(moment.date(), format="long", locale=BABEL_LOCALES[language])


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
    if code == "valid" and badge is not None:
        anonymous = issuer is not None and issuer.identity is Identity.NONE
        return text(
            HEADLINES["valid-anonymous" if anonymous else "valid"],
            language,
            {"what": _what(badge, issuer, language)},
        )
    params: dict[str, str] = {}
    if cause is not None and cause.params.get("date"):
        params["date"] = date_text(cause.params["date"], language)
    if cause is not None and cause.params.get("reason"):
        params["reason"] = cause.params["reason"]
    if code == "revoked":  # "… le 3 décembre 2026", only when the issuer's server says when
        code = "revoked" + ("-on" if "date" in params else "") + ("-because" if "reason" in params else "")
    return text(HEADLINES.get(code, HEADLINES["invalid"]), language, params)


def _what(badge: Mapping[str, str | None], issuer: IssuerIdentity | None, language: Language) -> str:
    parts = [text(WHAT["badge"], language, {"name": badge.get("name") or "?"})]
    if badge.get("recipient_name"):
        parts.append(text(WHAT["recipient"], language, {"recipient": badge["recipient_name"]}))
    if issuer is not None:
        names = {
            "name": issuer.name or "?",
            "domain": issuer.domain or "?",
            "claimed": issuer.claimed_name or "?",
        }
        parts.append(text(WHAT[issuer.identity], language, names))
    if badge.get("issued"):
        parts.append(text(WHAT["issued"], language, {"date": date_text(badge.get("issued"), language)}))
    return "".join(parts)
