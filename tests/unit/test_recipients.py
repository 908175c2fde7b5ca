import hashlib

from hypothesis import given
from hypothesis import strategies as st

from service.domain.recipients import HashedRecipient, hash_email, new_salt


def test_hash_is_sha256_of_lowercased_email_and_salt() -> None:
    expected = "sha256$" + hashlib.sha256(b"camille@example.fr" + b"abc123").hexdigest()
    assert hash_email("  Camille@Example.FR ", "abc123") == expected


def test_each_award_gets_a_fresh_salt() -> None:
    salts = {new_salt() for _ in range(200)}
    assert len(salts) == 200
    assert all(len(s) == 32 for s in salts)


@given(st.emails(), st.text(alphabet="0123456789abcdef", min_size=8, max_size=32))
def test_matches_the_same_email_in_any_case(email: str, salt: str) -> None:
    recipient = HashedRecipient.for_email(email, salt)
    assert recipient.matches(email.upper())
    assert recipient.matches(email)


@given(st.emails(), st.emails())
def test_does_not_match_another_email(first: str, second: str) -> None:
    recipient = HashedRecipient.for_email(first, new_salt())
    assert recipient.matches(second) == (first.lower() == second.lower())
