"""JSON-LD expansion in "safe mode", as the W3C Data Integrity verifiers run it: anything that
expansion would silently drop is an error naming it.

A Data Integrity proof signs the RDF a document turns into, not its JSON. A property that no
context defines, a value with a relative IRI, a type no context names: JSON-LD drops them on the
way to RDF, so a signature still verifies after someone adds ``"holderName": "…"`` or
``"grade": "A"`` to a signed credential, and a reader of the JSON would take them for signed
facts. Digital Bazaar's and the DCC's verifiers refuse such documents; so does this module.

It also bounds the work that inline contexts (``@context`` objects written in the document
rather than named by URL) can ask for: their total size and how deep scoped contexts nest. The
named contexts are the local copies of ``openbadges.contexts`` and cost nothing to trust.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pyld import jsonld

from service.signing.errors import ProofError

Json = dict[str, Any]
Loader = Callable[..., Json]
INLINE_CONTEXT_BYTES = 8 * 1024  # all inline contexts of a document together
INLINE_CONTEXT_DEPTH = 3  # contexts inside contexts (property- and type-scoped)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# pyld resolves a relative IRI against a base even when none is given (then its own example.org
# default): give it one under the reserved .invalid domain, so what came out relative shows.
RELATIVE_BASE = "https://relative.invalid/"


class UnsafeJsonLd(ProofError):
    """The document holds something JSON-LD would drop; ``code`` says what, ``term`` names it."""

    def __init__(self, code: str, term: str) -> None:
        super().__init__(f"{code}: {term}")
        self.code = code
        self.term = term


def safe_expand(document: Json, loader: Loader) -> list[Any]:
    """The expanded form of ``document``; ``UnsafeJsonLd`` for a dropped term, a relative IRI
    or inline contexts beyond the limits."""
    _check_inline_contexts(document)
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded = processor.expand(document, {"documentLoader": loader, "base": RELATIVE_BASE})
    except jsonld.JsonLdError as exc:  # an unknown context URL, a malformed context or value
        kind = str(getattr(exc, "type", "") or "")
        if kind in ("jsonld.InvalidUrl", "jsonld.LoadDocumentError"):
            raise UnsafeJsonLd("unknown-context", _context_urls(document)) from exc
        raise UnsafeJsonLd("invalid-jsonld", kind[:200]) from exc
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        # pyld raises these on some malformed documents instead of its own error: the input's
        # fault, reported as such (our own code is not inside this try).
        raise UnsafeJsonLd("invalid-jsonld", type(exc).__name__) from exc
    if dropped:
        raise UnsafeJsonLd("undefined-term", str(dropped[0]))
    _check_iris(expanded)
    return list(expanded)


def _context_urls(document: Json) -> str:
    """The context URLs the document names that have no local copy."""
    from service.openbadges.contexts import FILES

    contexts = document.get("@context")
    named = [c for c in (contexts if isinstance(contexts, list) else [contexts]) if isinstance(c, str)]
    return ", ".join(c for c in named if c not in FILES)[:300]


def _check_inline_contexts(document: Json) -> None:
    size = 0

    def walk(node: Any, depth: int) -> None:
        nonlocal size
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context" and not isinstance(value, str):
                    inline = [v for v in (value if isinstance(value, list) else [value]) if v is not None]
                    for context in inline:
                        if isinstance(context, dict):
                            if depth >= INLINE_CONTEXT_DEPTH:
                                raise UnsafeJsonLd("inline-context-too-deep", str(INLINE_CONTEXT_DEPTH))
                            size += len(json.dumps(context))
                            if size > INLINE_CONTEXT_BYTES:
                                raise UnsafeJsonLd("inline-context-too-large", str(INLINE_CONTEXT_BYTES))
                            walk(context, depth + 1)
                else:
                    walk(value, depth)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth)

    walk(document, 0)


def _check_iris(expanded: Any) -> None:
    """Every node id and type of the expanded document is an absolute IRI or a blank node:
    toRdf leaves out the statements of any other, as jsonld.js safe mode refuses them."""
    if isinstance(expanded, list):
        for item in expanded:
            _check_iris(item)
        return
    if not isinstance(expanded, dict):
        return
    node_id = expanded.get("@id")
    if isinstance(node_id, str) and not _is_iri_or_blank(node_id):
        raise UnsafeJsonLd("relative-iri", node_id.removeprefix(RELATIVE_BASE))
    types = expanded.get("@type")
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str) and value != "@json" and not _is_iri_or_blank(value):
            raise UnsafeJsonLd("relative-iri", value.removeprefix(RELATIVE_BASE))
    for key, value in expanded.items():
        if key not in ("@value", "@language", "@direction"):
            _check_iris(value)


def _is_iri_or_blank(value: str) -> bool:
    if value.startswith(RELATIVE_BASE):
        return False
    return value.startswith("_:") or _ABSOLUTE.match(value) is not None
