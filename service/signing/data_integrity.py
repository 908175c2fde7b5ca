"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC Data Integrity EdDSA
Cryptosuites v1.0, §3.3). One function per step of the specification's algorithms.

Canonicalization is RDFC-1.0 over contexts loaded only from local copies: pyld's JSON-LD to
N-Quads once per document shape, oxigraph's RDFC-1.0 for each document (``rdfc_shapes``), and
pyld's whole "URDNA2015" for what that module leaves aside.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from pyld import jsonld

from service.openbadges.contexts import CREDENTIALS_V2, document_loader
from service.signing.errors import ProofError
from service.signing.jsonld_safe import UnsafeJsonLd, safe_expand
from service.signing.multibase import from_multibase_z, multibase_z
from service.signing.rdfc_shapes import (
    Learned,
    ShapeCanonicalizer,
    Unsupported,
    canonical_nquads,
    first_degree_nquads,
    gate_n_degree,
    shape_of,
)
from service.signing.rdfc_work import TooComplex

Json = dict[str, Any]
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
# The Digital Credentials Consortium's default (and Learner Credential Wallet's presentations):
# verified, never made here. Same steps as eddsa-rdfc-2022 (URDNA2015, SHA-256 of the proof
# options then of the document, Ed25519 over both, base58btc multibase), its own proof type.
ED25519_2020 = "Ed25519Signature2020"


def canonicalize(document: Json) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (§3.3.1 transformation)."""
    try:
        return _SHAPES.canonicalize(document)
    except Unsupported:
        return _canonicalize_whole(document)


def _to_nquads(document: Json) -> str:
    """JSON-LD to N-Quads by pyld, in safe mode (``jsonld_safe``): what expansion would drop
    or could not turn into RDF is an error naming it, never a silent loss."""
    expanded = safe_expand(document, document_loader)
    result = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    if not isinstance(result, str):
        raise Unsupported("toRdf did not produce N-Quads")
    return result


_SHAPES = ShapeCanonicalizer(_to_nquads)
Canonicalize = Callable[[Json], str]


def canonicalize_cheap(document: Json) -> str | None:
    """The canonical form when it needs no JSON-LD work and no N-degree step (a known shape
    whose blank nodes are told apart at first degree): linear work on any input. None when it
    would need more, which ``canonicalize_learning`` does, in a worker process for untrusted
    documents (``verification.sandbox``)."""
    try:
        prepared = _SHAPES.prepared(document)
    except Unsupported:
        return None
    if prepared is None:
        return None
    template, values = prepared
    return first_degree_nquads(template.fill(values))


def canonicalize_learning(document: Json) -> tuple[str, Learned | None]:
    """The canonical form, and the template built for the document's shape if one was: what a
    worker process sends back so that the next document of that shape is cheap everywhere."""
    try:
        learned = _SHAPES.build(document)
    except Unsupported:
        return _canonicalize_whole(document), None
    _SHAPES.learn(learned)
    return canonical_nquads(learned.template.fill(shape_of(document)[1])), learned


def learn(learned: Learned) -> None:
    """Keep a template a worker process built."""
    _SHAPES.learn(learned)


def _canonicalize_whole(document: Json) -> str:
    """pyld from start to finish, for what the template path leaves aside (strings with control
    characters, whose escaping only pyld's writer gets right here), once the N-degree work is
    known to be bounded: pyld's own RDFC-1.0 has no budget."""
    gate_n_degree(_to_nquads(document))
    return canonicalize_reference(document)


def canonicalize_reference(document: Json) -> str:
    """RDFC-1.0 by pyld alone, start to finish (after the same safe-mode expansion): the
    reference the fast path is tested against."""
    try:
        expanded = safe_expand(document, document_loader)
        result = jsonld.normalize(expanded, {"algorithm": "URDNA2015", "format": "application/n-quads"})
    except jsonld.JsonLdError as exc:
        raise ProofError(
            f"JSON-LD canonicalization failed: {exc.type if hasattr(exc, 'type') else exc}"
        ) from exc
    if not isinstance(result, str):
        raise ProofError("canonicalization did not produce N-Quads")
    return result


# The proof configuration of §3.3.5 has one fixed shape. Under the VC 2.0 context, whose terms
# are protected (no later context may redefine them), its canonical N-Quads are five statements
# about one blank node, written here directly instead of running the full JSON-LD algorithm.
# tests/unit/test_data_integrity.py proves this equal to pyld's output for generated inputs.
_PROOF_KEYS = frozenset({"@context", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose"})
_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
# An absolute IRI with none of the characters N-Quads would escape or JSON-LD would refuse.
_PLAIN_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+\Z")
_SEC = "https://w3id.org/security#"


def canonicalize_proof_configuration(config: Json, canonicalize_other: Canonicalize | None = None) -> str:
    """RDFC-1.0 N-Quads of a proof configuration; the full algorithm for any unusual shape."""
    context = config.get("@context")
    method = config.get("verificationMethod")
    created = config.get("created")
    if (
        set(config) == _PROOF_KEYS
        and isinstance(context, list)
        and context
        and context[0] == CREDENTIALS_V2
        and all(isinstance(c, str) for c in context)
        and config.get("type") == PROOF_TYPE
        and config.get("cryptosuite") == CRYPTOSUITE
        and config.get("proofPurpose") == "assertionMethod"
        and isinstance(created, str)
        and _CREATED.match(created)
        and isinstance(method, str)
        and _PLAIN_IRI.match(method)
    ):
        lines = [
            f'_:c14n0 <http://purl.org/dc/terms/created> "{created}"'
            "^^<http://www.w3.org/2001/XMLSchema#dateTime> .",
            f"_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SEC}{PROOF_TYPE}> .",
            f'_:c14n0 <{_SEC}cryptosuite> "{CRYPTOSUITE}"^^<{_SEC}cryptosuiteString> .',
            f"_:c14n0 <{_SEC}proofPurpose> <{_SEC}assertionMethod> .",
            f"_:c14n0 <{_SEC}verificationMethod> <{method}> .",
        ]
        return "\n".join(sorted(lines)) + "\n"
    return (canonicalize_other or canonicalize)(config)


def proof_configuration(document: Json, verification_method: str, created: datetime) -> Json:
    """§3.3.5: the proof options, with the document's @context, without proofValue."""
    return {
        "@context": copy.deepcopy(document["@context"]),
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def hash_data(canonical_proof_config: str, canonical_document: str) -> bytes:
    """§3.3.4: SHA-256 of the proof configuration, then SHA-256 of the document, concatenated."""
    return (
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def add_proof(
    document: Json, private_key: ed25519.Ed25519PrivateKey, verification_method: str, created: datetime
) -> Json:
    """Return ``document`` with an ``eddsa-rdfc-2022`` proof appended (§3.3.1 create), as a new
    object that shares the document's members: change neither afterwards."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = proof_configuration(unsecured, verification_method, created)
    signature = private_key.sign(hash_data(canonicalize_proof_configuration(config), canonicalize(unsecured)))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = multibase_z(signature)
    secured = dict(document)  # a new object; its members are the document's own, not copies
    existing = secured.get("proof")
    proofs = existing if isinstance(existing, list) else ([existing] if existing else [])
    secured["proof"] = [*proofs, proof]
    return secured


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """``code`` names the outcome for people (``verification.messages``), ``reason`` is the
    English detail for logs and tests, ``term`` the value a refusal is about."""

    verified: bool
    reason: str
    verification_method: str | None = None
    code: str = "signature-mismatch"
    term: str | None = None


KeyResolver = Callable[[str], ed25519.Ed25519PublicKey | None]


def verify_proof(
    secured: Json,
    resolve_key: KeyResolver,
    canonicalize_with: Canonicalize | None = None,
    purpose: str = "assertionMethod",
) -> ProofCheck:
    """Verify the ``eddsa-rdfc-2022`` proof of a document (§3.3.2). Never raises on bad input.
    ``canonicalize_with`` does the canonicalization: in this process by default, in bounded
    worker processes for documents this service did not make (``verification.sandbox``)."""
    try:
        return _verify(secured, resolve_key, canonicalize_with or canonicalize, purpose)
    except TooComplex as exc:
        return ProofCheck(False, str(exc), code="graph-too-complex")
    except UnsafeJsonLd as exc:
        return ProofCheck(False, str(exc), code=exc.code, term=exc.term)
    except ProofError as exc:
        return ProofCheck(False, str(exc), code=exc.code)
    except jsonld.JsonLdError as exc:  # an unknown context URL, a malformed context
        return ProofCheck(False, f"JSON-LD: {getattr(exc, 'type', '')}", code="canonicalization-failed")
    except ValueError as exc:  # a proofValue that is not multibase, an unparsable date
        return ProofCheck(False, f"malformed proof: {exc}", code="malformed-proof")


def _supported(proof: Json) -> bool:
    if proof.get("type") == PROOF_TYPE:
        return proof.get("cryptosuite") == CRYPTOSUITE
    return proof.get("type") == ED25519_2020 and "cryptosuite" not in proof


def _verify(secured: Json, resolve_key: KeyResolver, canonical: Canonicalize, purpose: str) -> ProofCheck:
    proofs = secured.get("proof")
    candidates = proofs if isinstance(proofs, list) else [proofs]
    proof = next((p for p in candidates if isinstance(p, dict) and _supported(p)), None)
    if proof is None:
        reason = f"no {PROOF_TYPE} proof with cryptosuite {CRYPTOSUITE}, nor {ED25519_2020}"
        return ProofCheck(False, reason, code="proof-missing")
    if proof.get("proofPurpose") != purpose:
        return ProofCheck(False, f"the proof's purpose is not {purpose}", code="proof-purpose")
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        return ProofCheck(False, "the proof names no verification method", code="proof-no-method")
    public_key = resolve_key(method)
    if public_key is None:
        return ProofCheck(False, f"the key {method} cannot be resolved", method, code="key-unresolved")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured.get("@context")
    signature = from_multibase_z(str(proof.get("proofValue", "")))
    try:
        public_key.verify(
            signature, hash_data(canonicalize_proof_configuration(config, canonical), canonical(unsecured))
        )
    except InvalidSignature:
        return ProofCheck(False, "the signature does not match the document", method)
    return ProofCheck(True, f"signed by {method}", method, code="signed")
