"""LinkedIn's "Add to profile" link for a certification: the earner lands on the form with the
badge's name, organisation (by its page's id when the issuer gave it: LinkedIn then shows its
logo), dates, the page's URL and the credential id already filled in; and the link that shares
the badge's page in a post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
SHARE = "https://www.linkedin.com/sharing/share-offsite/"


@dataclass(frozen=True, slots=True)
class Certification:
    name: str
    organisation: str
    issued_on: datetime
    url: str  # the public badge page
    credential_id: str
    expires_at: datetime | None = None
    organisation_id: str | None = None  # LinkedIn's numeric company id, when the issuer has one


def add_to_profile_url(cert: Certification) -> str:
    params: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": cert.name}
    if cert.organisation_id:
        params["organizationId"] = cert.organisation_id
    else:
        params["organizationName"] = cert.organisation
    params["issueYear"] = cert.issued_on.year
    params["issueMonth"] = cert.issued_on.month
    if cert.expires_at is not None:
        params["expirationYear"] = cert.expires_at.year
        params["expirationMonth"] = cert.expires_at.month
    params["certUrl"] = cert.url
    params["certId"] = cert.credential_id
    return f"{ADD_TO_PROFILE}?{urlencode(params)}"


def share_url(page_url: str) -> str:
    """A post sharing the badge's page; LinkedIn reads the page's preview card."""
    return f"{SHARE}?{urlencode({'url': page_url})}"
