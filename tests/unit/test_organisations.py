import pytest

from service.domain.organisations import is_valid_rna, is_valid_siret


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000048"])
def test_valid_sirets(siret: str) -> None:
    assert is_valid_siret(siret)


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "ABCDEFGHIJKLMN", ""])
def test_invalid_sirets(siret: str) -> None:
    assert not is_valid_siret(siret)


@pytest.mark.parametrize(
    ("rna", "valid"),
    [("W751234567", True), ("w751234567", True), ("W75123456", False), ("X751234567", False)],
)
def test_rna(rna: str, valid: bool) -> None:
    assert is_valid_rna(rna) is valid
