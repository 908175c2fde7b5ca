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
DOWNLOADS = (
    N_("Image du badge (Open Badges 3.0)"),
    N_("Image du badge (Open Badges 2.0)"),
    N_("Image du badge en SVG (Open Badges 3.0)"),
    N_("Credential Open Badges 3.0"),
    N_("Credential Open Badges 3.0 (VC-JWT)"),
    N_("Assertion Open Badges 2.0"),
)
KEY_PURPOSES = {
    "ob2": N_("Open Badges 2.0 (assertions signées, RS256)"),
    "vc-jwt": N_("Open Badges 3.0 en VC-JWT (RS256)"),
    "data-integrity": N_("Open Badges 3.0, preuve Data Integrity (Ed25519)"),
}
