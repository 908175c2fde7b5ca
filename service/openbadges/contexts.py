"""JSON-LD contexts from the local copies under ``schemas/contexts`` — never the network.

The files are byte copies of the normative documents (``schemas/SOURCES.md`` gives each URL,
origin and hash). An unknown context URL is refused: a credential that needs it cannot be
signed or verified here, which is the safe answer.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


def _schemas_dir() -> Path:
    """``schemas/`` ships inside the installed package as ``service/schemas``; in a checkout (and
    an editable install) it is the top-level folder beside ``service/``."""
    here = Path(__file__).resolve()
    installed = here.parents[1] / "schemas"
    return installed if (installed / "contexts").is_dir() else here.parents[2] / "schemas"


SCHEMAS_DIR = _schemas_dir()
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
# Named by DID documents that list a JsonWebKey method. This service never expands a DID
# document as JSON-LD (it reads verification methods as JSON), so it holds no copy of it.
JWK_V1 = "https://w3id.org/security/jwk/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
STATUS_LIST_2021 = "https://w3id.org/vc/status-list/2021/v1"

FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_V1: "credentials-v1.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.jsonld",
    OB_V3_EXTENSIONS: "ob-v3p0-extensions.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DID_V1: "did-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "credentials-status-v1.jsonld",
    "https://w3id.org/openbadges/v2": "openbadges-v2.jsonld",
    # Read only to verify other issuers' credentials (VC 1.1, Ed25519Signature2020, StatusList2021).
    ED25519_2020: "ed25519-signature-2020-v1.jsonld",
    STATUS_LIST_2021: "vc-status-list-2021-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.jsonld",
}


class UnknownContext(LookupError):
    """A context URL we hold no local copy of."""


@cache
def load(url: str) -> dict[str, Any]:
    name = FILES.get(url)
    if name is None:
        raise UnknownContext(url)
    document: dict[str, Any] = json.loads((SCHEMAS_DIR / "contexts" / name).read_text(encoding="utf-8"))
    return document


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader over the local copies. ``tag: static`` lets pyld cache them."""
    from pyld.jsonld import JsonLdError

    try:
        document = load(url)
    except UnknownContext as exc:
        raise JsonLdError(
            f"no local copy of context {url}", "jsonld.LoadDocumentError", code="loading document failed"
        ) from exc
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}
