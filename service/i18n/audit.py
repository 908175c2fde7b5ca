"""Words of the audit log: what was done (by action code), by whom (by kind of actor), on what
(by kind of object); written in French and translated through the catalogue."""

from __future__ import annotations

from service.i18n.catalogue import N_, text
from service.i18n.language import Language

ACTIONS: dict[str, str] = {
    "issuer-created": N_("émetteur créé"),
    "issuer-updated": N_("émetteur modifié"),
    "issuer-deleted": N_("émetteur supprimé"),
    "key-created": N_("clé de signature créée"),
    "key-rotated": N_("clé de signature changée"),
    "key-withdrawn": N_("clé de signature retirée"),
    "badge-class-created": N_("badge créé"),
    "badge-class-updated": N_("badge modifié"),
    "badge-class-deleted": N_("badge supprimé"),
    "catalogue-imported": N_("catalogue importé"),
    "trainer-rule-set": N_("règle des formateurs enregistrée"),
    "trainer-rule-removed": N_("règle des formateurs retirée"),
    "award-issued": N_("badge attribué"),
    "award-list-issued": N_("badge attribué à une liste"),
    "award-revoked": N_("badge révoqué"),
    "award-email-resent": N_("courriel du badge renvoyé"),
    "award-published": N_("page du badge rendue publique (par la personne)"),
    "award-hidden": N_("page du badge masquée (par la personne)"),
    "award-erased": N_("badge effacé (par la personne)"),
    "session-created": N_("formation créée"),
    "session-updated": N_("formation modifiée"),
    "session-enrolled": N_("inscriptions enregistrées"),
    "enrolment-removed": N_("personne retirée d'une formation"),
    "attendance-marked": N_("présences enregistrées"),
    "attendance-signed": N_("présence signée par la personne"),
    "half-day-countersigned": N_("demi-journée contresignée par un formateur"),
    "session-closing-queued": N_("clôture de formation lancée en arrière-plan"),
    "session-closing-batch": N_("clôture de formation : badges émis"),
    "session-closed": N_("formation clôturée"),
    "token-created": N_("jeton d'API créé"),
    "token-revoked": N_("jeton d'API révoqué"),
    "account-created": N_("compte créé"),
    "account-password-set": N_("mot de passe changé"),
    "account-unlocked": N_("compte débloqué"),
    "account-signed-in": N_("connexion à la console"),
    "account-invited": N_("invitation envoyée"),
    "account-reset-requested": N_("lien de nouveau mot de passe demandé"),
    "account-access-changed": N_("accès du compte modifiés"),
    "account-deactivated": N_("compte désactivé"),
    "account-reactivated": N_("compte réactivé"),
    "endorsement-invited": N_("invitation à recommander envoyée"),
    "endorsement-requested": N_("recommandation demandée à un pair (par la personne)"),
    "endorsement-made": N_("recommandation publiée"),
    "endorsement-withdrawn": N_("recommandation retirée par son auteur·rice"),
    "badge-request-rule-set": N_("règle des demandes de badge enregistrée"),
    "badge-request-made": N_("badge demandé (demande à confirmer)"),
    "badge-request-confirmed": N_("demande de badge confirmée par son auteur·rice"),
    "badge-request-withdrawn": N_("demande de badge retirée par son auteur·rice"),
    "badge-request-reviewed": N_("avis donné sur une demande de badge"),
    "badge-reviewer-invited": N_("pair invité·e à relire une demande de badge"),
    "badge-request-declined": N_("demande de badge refusée"),
    "network-member-added": N_("structure membre ajoutée au réseau"),
    "network-member-removed": N_("structure membre retirée du réseau"),
    "network-grants-set": N_("structures membres autorisées à attribuer le badge"),
    "theme-added": N_("thème ajouté au vocabulaire"),
    "change": N_("modification"),
}
ACTORS: dict[str, str] = {
    "account": N_("compte"),
    "token": N_("jeton d'API"),
    "cli": N_("ligne de commande"),
    "earner": N_("la personne titulaire (son lien)"),
    "participant": N_("une personne inscrite (feuille d'émargement)"),
    "endorser": N_("l'auteur·rice d'une recommandation (son lien)"),
    "reviewer": N_("un pair qui relit une demande de badge (son lien)"),
    "system": N_("le service"),
}
SUBJECTS: dict[str, str] = {
    "issuer": N_("émetteur"),
    "badge-class": N_("badge"),
    "award": N_("attribution"),
    "session": N_("formation"),
    "key": N_("clé"),
    "token": N_("jeton"),
    "account": N_("compte"),
    "theme": N_("thème"),
}


def action(code: str, language: Language) -> str:
    return text(ACTIONS[code], language) if code in ACTIONS else code


def actor(kind: str, language: Language) -> str:
    return text(ACTORS[kind], language) if kind in ACTORS else kind


def subject(kind: str, language: Language) -> str:
    return text(SUBJECTS[kind], language) if kind in SUBJECTS else kind
