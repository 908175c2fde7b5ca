"""Words of recognition between peers: why an author may vouch (by basis code), and what is
endorsed (by kind). Written in French, translated through the catalogue."""

from __future__ import annotations

from service.i18n.catalogue import N_, text
from service.i18n.language import Language

BASES: dict[str, str] = {
    "trainer": N_("formateur·rice de la session"),
    "peer": N_("pair titulaire du badge"),
    "partner": N_("organisation partenaire"),
    "employer": N_("employeur"),
    "reviewer": N_("a examiné la demande de badge"),
}
SUBJECTS: dict[str, str] = {
    "issuer": N_("l'émetteur"),
    "badge-class": N_("le badge"),
    "award": N_("ce badge obtenu"),
}

# Problems (title, detail) by code, joined to ``messages.MESSAGES``.
ENDORSEMENT_MESSAGES: dict[str, tuple[str, str]] = {
    "endorsement-subject-invalid": (
        N_("Objet invalide"),
        N_("On recommande un émetteur (issuer), un badge (badge-class) ou un badge obtenu (award)."),
    ),
    "endorsement-subject-gone": (
        N_("Badge révoqué"),
        N_("Ce badge a été révoqué ou effacé : il ne peut plus être recommandé."),
    ),
    "endorsement-basis-invalid": (
        N_("Titre invalide"),
        N_(
            "Ce titre ne permet pas de recommander cela : un émetteur est recommandé par une organisation "
            "partenaire ou un employeur ; un badge aussi par ses formateur·rices et les pairs qui le détiennent."
        ),
    ),
    "endorser-not-eligible": (
        N_("Recommandation impossible à ce titre"),
        N_(
            "Cette adresse ne remplit pas la condition : un·e formateur·rice doit avoir animé une formation "
            "qui délivre ce badge ; un pair doit détenir ce badge (ou un badge plus avancé du parcours), "
            "sans être la personne recommandée."
        ),
    ),
    "endorsement-requests-exhausted": (
        N_("Trop de demandes"),
        N_("Vous avez envoyé assez de demandes de recommandation aujourd'hui : réessayez demain."),
    ),
    "endorsement-invitation-invalid": (
        N_("Lien invalide"),
        N_("Ce lien d'invitation n'est pas valide : vérifiez qu'il a été copié en entier."),
    ),
    "endorsement-invitation-used": (
        N_("Invitation déjà utilisée"),
        N_(
            "Cette invitation a déjà servi à publier une recommandation. Le courriel reçu alors permet de la retirer."
        ),
    ),
    "endorsement-invitation-expired": (
        N_("Invitation expirée"),
        N_("Cette invitation a expiré : demandez-en une nouvelle à la personne qui vous l'a envoyée."),
    ),
    "endorser-name-invalid": (
        N_("Nom manquant"),
        N_("Indiquez le nom à afficher (200 caractères au plus)."),
    ),
    "endorser-kind-invalid": (
        N_("Choix manquant"),
        N_("Indiquez si vous recommandez en tant que personne ou organisation."),
    ),
    "endorser-organisation-invalid": (
        N_("Structure trop longue"),
        N_("La structure a 200 caractères au plus."),
    ),
    "endorser-url-invalid": (
        N_("Site web invalide"),
        N_("Le site web doit être une adresse complète commençant par https:// ou http://."),
    ),
    "endorsement-comment-invalid": (
        N_("Recommandation manquante"),
        N_("Écrivez votre recommandation : entre 1 et {max} caractères, sans caractères de contrôle."),
    ),
    "endorsement-consent-required": (
        N_("Accord manquant"),
        N_("Une recommandation est publique : cochez la case pour accepter sa publication, ou renoncez."),
    ),
    "endorsement-not-found": (N_("Recommandation introuvable"), N_("Aucune recommandation à cette adresse.")),
    "endorsement-withdrawn": (
        N_("Recommandation retirée"),
        N_("Cette recommandation a été retirée par son auteur·rice."),
    ),
    "endorser-not-found": (
        N_("Auteur·rice introuvable"),
        N_("Aucun profil de recommandation à cette adresse."),
    ),
}


def basis(code: str, language: Language) -> str:
    return text(BASES[code], language) if code in BASES else code


def subject(code: str, language: Language) -> str:
    return text(SUBJECTS[code], language) if code in SUBJECTS else code
