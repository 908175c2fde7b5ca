"""French organisation identifiers: SIRET (14 digits, Luhn) and RNA (W + 9 characters)."""

from __future__ import annotations

import re

_SIRET = re.compile(r"^\d{14}$")
_RNA = re.compile(r"^W[0-9A-Z]\d{8}$")
# La Poste's establishments share one SIREN whose SIRETs do not satisfy Luhn; INSEE documents
# the exception: the sum of the digits is a multiple of 5 instead.
_LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.]", "", value)


def is_valid_siret(value: str) -> bool:
    siret = normalise_siret(value)
    if not _SIRET.match(siret):
        return False
    if _luhn_ok(siret):
        return True
    return siret.startswith(_LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_rna(value: str) -> str:
    return value.strip().upper()


def is_valid_rna(value: str) -> bool:
    return bool(_RNA.match(normalise_rna(value)))
