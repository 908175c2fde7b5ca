"""RDFC-1.0's N-degree steps with a work budget: the labels they issue are the algorithm's
(checked against oxigraph), ordinary repeated blank nodes cost little, and poison graphs (cliques
of blank nodes) are refused as such, quickly, before oxigraph, which cannot be interrupted, sees
them."""

from __future__ import annotations

import itertools

import pytest

from service.signing.rdfc_shapes import _first_degree_hashes, _line, _oxigraph_rdfc, _parse, canonical_nquads
from service.signing.rdfc_work import TooComplex, canonical_labels

P = "<https://e.test/p>"


def clique(size: int) -> str:
    """Every blank node linked to every other: all share one first-degree hash."""
    return "".join(f"_:n{a} {P} _:n{b} .\n" for a, b in itertools.permutations(range(size), 2))


def labelled(nquads: str) -> str:
    parsed = _parse(nquads)
    assert parsed is not None
    plain, quads = parsed
    labels = canonical_labels(quads, _first_degree_hashes(quads))
    return "".join(sorted([*plain, *{_line(quad, labels, None) for quad in quads}]))


SYMMETRIC_GRAPHS = [
    # a pair that points at each other
    f"_:x {P} _:y .\n_:y {P} _:x .\n",
    # a ring of four, and two rings of three that only their lengths tell apart
    "".join(f"_:r{i} {P} _:r{(i + 1) % 4} .\n" for i in range(4)),
    "".join(f"_:a{i} {P} _:a{(i + 1) % 3} .\n_:b{i} {P} _:b{(i + 1) % 3} .\n" for i in range(3)),
    # two identical evidence entries hanging off one credential
    '<https://e.test/c> <https://e.test/evidence> _:e1 .\n_:e1 <https://e.test/n> "même" .\n'
    '<https://e.test/c> <https://e.test/evidence> _:e2 .\n_:e2 <https://e.test/n> "même" .\n',
    # a small clique, within the budget
    clique(4),
    # a star whose leaves look alike, with a named graph
    "".join(f'_:hub {P} _:leaf{i} _:g .\n_:leaf{i} <https://e.test/q> "x" _:g .\n' for i in range(3)),
]


@pytest.mark.parametrize("nquads", SYMMETRIC_GRAPHS)
def test_the_labels_are_those_oxigraph_gives(nquads: str) -> None:
    assert labelled(nquads) == _oxigraph_rdfc(nquads)
    assert canonical_nquads(nquads) == _oxigraph_rdfc(nquads)


@pytest.mark.parametrize("size", [9, 12, 30])
def test_a_clique_of_blank_nodes_is_refused_as_too_complex(size: int) -> None:
    """A 2 KB credential whose blank nodes form a clique of 9 kept the process busy for minutes."""
    with pytest.raises(TooComplex):
        canonical_nquads(clique(size))


def test_the_budget_is_what_stops_a_clique() -> None:
    """The same clique goes through with a budget large enough for it: the refusal is the budget's."""
    small = clique(5)
    with pytest.raises(TooComplex):
        canonical_nquads(small, budget=20)
    assert canonical_nquads(small, budget=100_000) == _oxigraph_rdfc(small)
