"""Recognition between peers: who may endorse what, and the links that carry an invitation to
endorse or the power to withdraw an endorsement. Pure.

Bases of an endorsement (why its author may vouch):
- ``trainer``: trained the session the award came from, or a session whose participants earn
  the badge class;
- ``peer``: holds the same badge (any version) or a next step of its pathway, and is not the
  holder of the award endorsed;
- ``partner`` and ``employer``: an organisation or a person the issuer's coordinators invited;
- ``reviewer``: approved a badge request (made by the service, never invited).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from service.domain.links import LinkSigner

ISSUER = "issuer"
BADGE_CLASS = "badge-class"
AWARD = "award"
SUBJECT_KINDS = (ISSUER, BADGE_CLASS, AWARD)

TRAINER = "trainer"
PEER = "peer"
PARTNER = "partner"
EMPLOYER = "employer"
REVIEWER = "reviewer"
INVITED_BASES = (PARTNER, EMPLOYER, TRAINER, PEER)

# What each basis may endorse: an issuer is vouched for by organisations, not by its earners.
ALLOWED = {
    ISSUER: frozenset({PARTNER, EMPLOYER}),
    BADGE_CLASS: frozenset({PARTNER, EMPLOYER, TRAINER, PEER}),
    AWARD: frozenset({EMPLOYER, TRAINER, PEER, REVIEWER}),
}

PERSON = "person"
ORGANISATION = "organisation"
KINDS = (PERSON, ORGANISATION)

INVITATION_LIFETIME = timedelta(days=30)
COMMENT_MAX = 2000
NAME_MAX = 200
# An earner asks peers from their own page: a few a day, or the page becomes a mailer.
EARNER_INVITATIONS_PER_DAY = 5

_INVITATION = LinkSigner(b"fabrique/endorsement-invitation/v1")
_WITHDRAWAL = LinkSigner(b"fabrique/endorsement-withdrawal/v1")


def allowed(subject_kind: str, basis: str) -> bool:
    return basis in ALLOWED.get(subject_kind, frozenset())


def invitation_token(secret: str, invitation_id: str) -> str:
    return _INVITATION.token_for(secret, invitation_id)


def invitation_of(secret: str, token: str) -> str | None:
    return _INVITATION.subject_of(secret, token)


def withdrawal_token(secret: str, endorsement_id: str) -> str:
    return _WITHDRAWAL.token_for(secret, endorsement_id)


def withdrawal_of(secret: str, token: str) -> str | None:
    return _WITHDRAWAL.subject_of(secret, token)


def invitation_usable(expires_at: datetime, used_at: datetime | None, now: datetime) -> bool:
    return used_at is None and now < expires_at
