import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.status_bits import (
    MIN_ENTRIES,
    StatusListError,
    bitstring,
    decode,
    encode,
    is_set,
    random_index,
)


@given(st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=300))
def test_any_set_of_indexes_round_trips(indexes: set[int]) -> None:
    data = decode(encode(bitstring(MIN_ENTRIES, indexes)))
    assert len(data) == MIN_ENTRIES // 8
    assert {i for i in range(0, MIN_ENTRIES) if i in indexes} == {i for i in indexes if is_set(data, i)}
    assert sum(bin(b).count("1") for b in data) == len(indexes)


def test_bit_order_is_left_most_first() -> None:
    assert bitstring(16, [0]) == b"\x80\x00"
    assert bitstring(16, [7, 8]) == b"\x01\x80"


def test_empty_list_of_the_minimum_size_is_small_and_stable() -> None:
    encoded = encode(bitstring(MIN_ENTRIES, []))
    assert encoded.startswith("uH4sI")  # multibase u + base64url of the gzip magic
    assert len(encoded) < 300
    assert encode(bitstring(MIN_ENTRIES, [])) == encoded


@pytest.mark.parametrize(
    "bad",
    ["zabc", "u!!!", "u" + "QUJD", "u"],
)
def test_malformed_lists_are_refused(bad: str) -> None:
    with pytest.raises(StatusListError):
        decode(bad)


def test_decompression_bombs_are_refused() -> None:
    import base64

    bomb = gzip.compress(b"\x00" * (64 * 1024 * 1024), mtime=0)  # 64 MiB of zeros, ~64 KiB packed
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="beyond"):
        decode(encoded)


def test_random_indexes_are_free_and_spread() -> None:
    taken: set[int] = set()
    for _ in range(2000):
        index = random_index(MIN_ENTRIES, taken.__contains__)
        assert index not in taken
        taken.add(index)
    assert max(taken) > MIN_ENTRIES // 2  # not sequential
    with pytest.raises(ValueError, match="full"):
        random_index(8, lambda _: True)
