"""The one error the proof modules raise for what they cannot sign or verify."""

from __future__ import annotations


class ProofError(ValueError):
    """Why a proof cannot be made or does not verify; ``code`` names the reason for people."""

    code = "canonicalization-failed"
