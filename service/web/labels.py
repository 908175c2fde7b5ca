"""Words for values stored as codes, marked for the catalogue (``N_``) and translated when shown."""

from __future__ import annotations

from service.i18n.catalogue import N_

__all__ = ["DOWNLOADS", "ENROLMENT_STATES", "KEY_PURPOSES", "N_", "ORIGINS", "SESSION_STATES"]


SESSION_STATES = {
    "planned": N_("prévue"),
    "held": N_("tenue"),
    "closing": N_("clôture en cours"),
    "closed": N_("clôturée"),
    "cancelled": N_("annulée"),
}
ENROLMENT_STATES = {
    "registered": N_("inscrit·e"),
    "waiting": N_("en liste d'attente"),
    "cancelled": N_("inscription annulée"),
}
ORIGINS = {
    "session": N_("participation à une formation"),
    "trainer": N_("animation de formations"),
    "pathway": N_("parcours"),
    "direct": N_("attribution directe"),
}
# What each download is for (label), then what it is technically (detail), by code.
DOWNLOADS = {
    "image": (
        N_("Image du badge à publier"),
        N_(
            "le badge Open Badges 3.0 est intégré à l'image : à déposer sur un site, un profil, "
            "un CV en ligne"
        ),
    ),
    "image-ob2": (
        N_("Image du badge pour les plateformes Open Badges 2.0"),
        N_("l'assertion Open Badges 2.0 signée est intégrée à l'image"),
    ),
    "image-svg": (
        N_("Image du badge en dessin vectoriel (SVG)"),
        N_("la même image en dessin vectoriel, avec le badge Open Badges 3.0 intégré"),
    ),
    "wallet": (
        N_("Pour un portefeuille numérique (Open Badges 3.0)"),
        N_("credential vérifiable JSON-LD avec sa preuve Data Integrity (eddsa-rdfc-2022)"),
    ),
    "wallet-jwt": (
        N_("Pour un portefeuille numérique, en jeton (Open Badges 3.0)"),
        N_("le même credential en VC-JWT signé (RS256)"),
    ),
    "ob2": (
        N_("Fichier technique Open Badges 2.0"),
        N_("l'assertion hébergée, en JSON"),
    ),
}
KEY_PURPOSES = {
    "ob2": N_("Open Badges 2.0 (assertions signées, RS256)"),
    "vc-jwt": N_("Open Badges 3.0 en VC-JWT (RS256)"),
    "data-integrity": N_("Open Badges 3.0, preuve Data Integrity (Ed25519)"),
}
