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

# Badge requests reviewed by peers.
ENDORSEMENT_MESSAGES.update(
    {
        "badge-request-rule-invalid": (
            N_("Règle impossible"),
            N_(
                "Une demande doit être relue par au moins un pair ou par la coordination (au plus {max} pairs)."
            ),
        ),
        "badge-requests-closed": (
            N_("Demandes fermées"),
            N_("Ce badge ne se demande pas : il est délivré par son émetteur."),
        ),
        "badge-request-statement-invalid": (
            N_("Déclaration manquante"),
            N_("Dites en quelques phrases pourquoi vous remplissez les critères ({max} caractères au plus)."),
        ),
        "badge-request-too-many-links": (N_("Trop de liens"), N_("{max} liens au plus.")),
        "badge-request-url-invalid": (
            N_("Lien invalide"),
            N_("« {url} » n'est pas une adresse complète commençant par https:// ou http://."),
        ),
        "badge-request-too-many-files": (N_("Trop de pièces"), N_("{max} pièces jointes au plus.")),
        "badge-request-file-too-large": (
            N_("Pièce trop lourde"),
            N_("Chaque pièce pèse au plus {max} octets."),
        ),
        "badge-request-file-type": (
            N_("Pièce refusée"),
            N_("« {name} » n'est ni un PDF, ni une image PNG ou JPEG (d'après son contenu)."),
        ),
        "badge-request-too-many-peers": (N_("Trop de pairs"), N_("{max} pairs au plus.")),
        "badge-request-consent-required": (
            N_("Accord manquant"),
            N_("Cochez la case : votre demande et ses pièces seront lues par les relecteur·rices."),
        ),
        "badge-requests-exhausted": (
            N_("Trop de demandes"),
            N_("Cette adresse a déjà demandé ce badge plusieurs fois aujourd'hui : réessayez demain."),
        ),
        "badge-request-link-invalid": (
            N_("Lien invalide"),
            N_("Ce lien vers une demande de badge n'est pas valide : vérifiez qu'il a été copié en entier."),
        ),
        "badge-request-expired": (
            N_("Demande expirée"),
            N_("Cette demande n'a pas été confirmée à temps : faites-en une nouvelle."),
        ),
        "badge-already-held": (
            N_("Badge déjà obtenu"),
            N_("Vous détenez déjà ce badge : la demande n'est pas transmise."),
        ),
        "badge-request-closed": (
            N_("Demande close"),
            N_("Cette demande n'attend plus rien : elle est close."),
        ),
        "badge-request-not-found": (
            N_("Demande introuvable"),
            N_("Aucune demande de badge n'a l'identifiant {id}."),
        ),
        "badge-request-file-not-found": (N_("Pièce introuvable"), N_("Cette demande n'a pas cette pièce.")),
        "badge-review-link-invalid": (
            N_("Lien invalide"),
            N_("Ce lien de relecture n'est pas valide : vérifiez qu'il a été copié en entier."),
        ),
        "badge-review-given": (
            N_("Avis déjà donné"),
            N_("Votre avis sur cette demande est déjà enregistré."),
        ),
        "badge-reviewer-not-eligible": (
            N_("Relecture impossible"),
            N_(
                "Seule une personne qui détient ce badge, et qui n'en est pas l'auteur·rice, peut relire cette demande."
            ),
        ),
        "badge-reviewer-already-asked": (
            N_("Déjà sollicité·e"),
            N_("Cette personne relit déjà cette demande, ou en est l'auteur·rice."),
        ),
        "badge-review-comment-invalid": (
            N_("Commentaire manquant"),
            N_("Un avis s'accompagne d'un commentaire pour la personne ({max} caractères au plus)."),
        ),
        "badge-review-decision-missing": (N_("Avis manquant"), N_("Choisissez favorable ou défavorable.")),
    }
)

# Network badges.
ENDORSEMENT_MESSAGES.update(
    {
        "network-member-itself": (N_("Membre impossible"), N_("Un réseau n'est pas membre de lui-même.")),
        "network-member-not-found": (
            N_("Pas membre du réseau"),
            N_("L'émetteur {id} n'est pas une structure membre de ce réseau."),
        ),
        "network-badge-own-class": (
            N_("Badge de l'émetteur"),
            N_("Ce badge est le vôtre : attribuez-le comme vos autres badges."),
        ),
        "network-badge-not-allowed": (
            N_("Badge du réseau non autorisé"),
            N_("Votre structure n'est pas autorisée par son réseau à attribuer ce badge."),
        ),
    }
)


def basis(code: str, language: Language) -> str:
    return text(BASES[code], language) if code in BASES else code


def subject(code: str, language: Language) -> str:
    return text(SUBJECTS[code], language) if code in SUBJECTS else code
