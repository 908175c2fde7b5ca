"""How much work RDFC-1.0 needs for a dataset whose blank nodes share first-degree hashes, counted
before any of it is done for real, with a budget.

RDFC-1.0 §4.8 (Hash N-Degree Quads) tries every permutation of the related blank nodes that share
a hash, recursively. On symmetric graphs ("poison graphs", RDFC-1.0 §7 and the security
considerations) that is factorial: a clique of nine blank nodes, about 2 KB of JSON, keeps a
canonicalizer busy for minutes. The specification asks implementations to guard against this;
Digital Bazaar's rdf-canonize bounds its "deep iterations". This module runs §4.4 step 5 and §4.8
as written, counting one unit for each call of Hash N-Degree Quads and each permutation it tries,
and stops with ``TooComplex`` past the budget. Ordinary credentials with repeated blank nodes
(two identical evidence entries, say) use a handful of units; a clique of nine uses far more than
any budget allows.

The labels it issues are those of the algorithm, and ``tests/unit/test_rdfc_work.py`` checks them
against oxigraph's; the service still writes the canonical form with oxigraph once this module
has said the work is bounded.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

Quad = tuple[str, str, str, str | None]  # subject, predicate, object, graph (N-Quads terms)
WORK_BUDGET = 4000


class TooComplex(ValueError):
    """The dataset's blank nodes would need more canonicalization work than the budget."""


@dataclass
class _Issuer:
    """RDFC-1.0 §4.3 identifier issuer: labels in order of issue."""

    prefix: str
    issued: dict[str, str] = field(default_factory=dict)

    def issue(self, node: str) -> str:
        if node not in self.issued:
            self.issued[node] = f"{self.prefix}{len(self.issued)}"
        return self.issued[node]

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Run:
    def __init__(self, quads: list[Quad], first_degree: dict[str, str], budget: int) -> None:
        self.quads = quads
        self.first_degree = first_degree
        self.left = budget
        self.canonical = _Issuer("c14n")
        self.mentions: dict[str, list[int]] = {}
        for index, quad in enumerate(quads):
            for term in (quad[0], quad[2], quad[3]):
                if term is not None and term.startswith("_:"):
                    places = self.mentions.setdefault(term, [])
                    if not places or places[-1] != index:
                        places.append(index)

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooComplex("the blank nodes of this document form too symmetric a graph")

    def related_hash(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """§4.7 Hash Related Blank Node."""
        text = position if position == "g" else f"{position}<{quad[1][1:-1]}>"
        if related in self.canonical.issued:
            text += "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            text += "_:" + issuer.issued[related]
        else:
            text += self.first_degree[related]
        return _sha(text)

    def n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8 Hash N-Degree Quads."""
        self.spend()
        groups: dict[str, list[str]] = {}
        for index in self.mentions.get(node, []):
            quad = self.quads[index]
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term is not None and term.startswith("_:") and term != node:
                    digest = self.related_hash(term, quad, issuer, position)
                    groups.setdefault(digest, []).append(term)
        data = ""
        for digest in sorted(groups):
            data += digest
            chosen_path, chosen_issuer = "", issuer
            for permutation in itertools.permutations(groups[digest]):
                self.spend()
                path, copy = self._path(permutation, issuer, chosen_path)
                if path is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, copy
            data += chosen_path
            issuer = chosen_issuer
        return _sha(data), issuer

    def _path(self, permutation: tuple[str, ...], issuer: _Issuer, chosen: str) -> tuple[str | None, _Issuer]:
        copy = issuer.copy()
        path = ""
        recursion: list[str] = []
        for related in permutation:
            if related in self.canonical.issued:
                path += "_:" + self.canonical.issued[related]
            else:
                if related not in copy.issued:
                    recursion.append(related)
                path += "_:" + copy.issue(related)
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None, copy
        for related in recursion:
            digest, result_issuer = self.n_degree(related, copy)
            path += "_:" + copy.issue(related) + f"<{digest}>"
            copy = result_issuer
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None, copy
        return path, copy

    def labels(self) -> dict[str, str]:
        """§4.4 steps 4-6: canonical labels for every blank node."""
        by_hash: dict[str, list[str]] = {}
        for node, digest in self.first_degree.items():
            by_hash.setdefault(digest, []).append(node)
        for digest in sorted(by_hash):
            if len(by_hash[digest]) == 1:
                self.canonical.issue(by_hash[digest][0])
        for digest in sorted(by_hash):
            nodes = by_hash[digest]
            if len(nodes) == 1:
                continue
            results = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(node)
                results.append(self.n_degree(node, temporary))
            for _, result_issuer in sorted(results, key=lambda r: r[0]):
                for node in result_issuer.issued:
                    self.canonical.issue(node)
        return {node: "_:" + label for node, label in self.canonical.issued.items()}


def canonical_labels(
    quads: list[Quad], first_degree: dict[str, str], budget: int = WORK_BUDGET
) -> dict[str, str]:
    """The RDFC-1.0 canonical label of every blank node (``first_degree``: node -> its §4.6
    hash), or ``TooComplex`` once ``budget`` units of work are spent."""
    return _Run(quads, first_degree, budget).labels()
