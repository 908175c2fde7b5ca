"""Badge requests reviewed by peers: what a badge class's rule asks, how reviews decide, what
evidence a request may carry, and the links that carry a request or a review. Pure.

A request is written by someone who believes they meet a badge's criteria, with evidence; it is
*unconfirmed* until its author opens the link sent to their address (nobody can file a request,
and have reviewers written to, in someone else's name), then *pending* while reviewers give
their opinion, then *approved* (the badge is issued) or *declined* (with the reviewers' words);
its author may withdraw it while it is pending, which also deletes its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.links import LinkSigner

UNCONFIRMED = "unconfirmed"
PENDING = "pending"
APPROVED = "approved"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
OPEN_STATES = (UNCONFIRMED, PENDING)

PEER = "peer"
COORDINATOR = "coordinator"
INVITED = "invited"  # a review's state until its reviewer answers

MAX_PEERS = 5  # a rule asks at most this many peer approvals
STATEMENT_MAX = 4000
COMMENT_MAX = 2000
MAX_LINKS = 5
MAX_FILES = 3
MAX_PEER_REVIEWERS = 8  # peers a requester may name
REQUESTS_PER_DAY = 5  # per address and badge class
UNCONFIRMED_LIFETIME = timedelta(days=2)
REVIEW_LIFETIME = timedelta(days=30)

# Evidence files: what their first bytes say, never what the browser declared.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True, slots=True)
class Rule:
    """What a badge class asks before a request is approved."""

    open: bool
    peer_approvals: int  # 0..MAX_PEERS
    coordinator_approval: bool

    @property
    def valid(self) -> bool:
        """Somebody must review: at least one peer or a coordinator."""
        return 0 <= self.peer_approvals <= MAX_PEERS and (
            self.peer_approvals > 0 or self.coordinator_approval
        )


@dataclass(frozen=True, slots=True)
class Tally:
    peer_approvals: int = 0
    peer_declines: int = 0
    coordinator_approvals: int = 0
    coordinator_declines: int = 0


def decision(rule: Rule, tally: Tally) -> str | None:
    """APPROVED or DECLINED once the reviews settle it, None while they do not. A coordinator's
    refusal declines; so do as many peer refusals as the approvals the rule asks (the peers are
    then at least as many against as the rule needs for)."""
    if tally.coordinator_declines:
        return DECLINED
    if rule.peer_approvals and tally.peer_declines >= rule.peer_approvals:
        return DECLINED
    peers_ok = tally.peer_approvals >= rule.peer_approvals
    coordinator_ok = tally.coordinator_approvals > 0 or not rule.coordinator_approval
    if peers_ok and coordinator_ok:
        return APPROVED
    return None


def sniff(content: bytes) -> str | None:
    """The media type of an evidence file by its first bytes (PNG, JPEG, PDF), or None."""
    for signature, media_type in _SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


_REQUEST = LinkSigner(b"fabrique/badge-request/v1")
_REVIEW = LinkSigner(b"fabrique/badge-review/v1")


def request_token(secret: str, request_id: str) -> str:
    return _REQUEST.token_for(secret, request_id)


def request_of(secret: str, token: str) -> str | None:
    return _REQUEST.subject_of(secret, token)


def review_token(secret: str, review_id: str) -> str:
    return _REVIEW.token_for(secret, review_id)


def review_of(secret: str, token: str) -> str | None:
    return _REVIEW.subject_of(secret, token)


def confirmable(created_at: datetime, now: datetime) -> bool:
    return now < created_at + UNCONFIRMED_LIFETIME
