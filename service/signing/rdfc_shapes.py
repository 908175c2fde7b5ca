"""RDFC-1.0 canonical N-Quads of JSON-LD documents, without redoing the JSON-LD work for every
document of the same shape.

Two credentials of one badge class differ only in string values: ids, dates, hashes, texts. The
expensive part of canonicalization is JSON-LD expansion (processing the contexts and their
type-scoped contexts), and it depends on the keys, the types, the contexts and on which *kind*
of string each value is, not on the strings themselves. So:

1. The document's **shape** is computed: its structure, with every string value replaced by a
   *slot* of one of two kinds, ``IRI`` (an absolute IRI with a scheme from ``IRI_SCHEMES`` and no
   character that N-Quads would escape) or ``TEXT`` (anything else). Contexts, ``type`` values
   and keywords' values are part of the shape, never slots.
2. For a new shape, a sentinel document (each slot holding a unique sentinel of its kind) is
   turned into N-Quads by pyld once. A ``TEXT`` sentinel must come out only as the lexical form of
   a literal; otherwise (an ``@id`` or ``@vocab`` position, where the string itself decides the
   result) that slot's value joins the shape and the template is built again.
3. For each document of a known shape, the template is filled with the real values (escaped as
   pyld would) and canonicalized by oxigraph's RDFC-1.0 (Rust), then sorted.

Why the result equals the full algorithm: an absolute IRI whose scheme is not a term of any
context expands to itself in every position, and a literal position turns any string into a
literal of the same datatype and language, so the sentinel and the real value produce the same
quads up to the value. ``tests/unit/test_rdfc_shapes.py`` checks this against pyld on generated
credentials, and that no context we carry defines a term named like one of ``IRI_SCHEMES``; the
interoperability tests verify documents signed this way with the Digital Bazaar and DCC verifiers.

Strings holding a control character other than TAB, LF and CR are left to the full algorithm:
the N-Quads writers in use disagree on how to escape them (the API refuses them in badge texts).
So are strings that look like blank node identifiers (``_:b0``): used as ids, equal labels merge
nodes, and a document giving three nodes the id ``_:b0`` came out of the template path with
other quads than the reference's (found by the property test below; never in our credentials).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph

from service.signing.rdfc_work import WORK_BUDGET, Quad, TooComplex, canonical_labels

Json = Any
ToNquads = Callable[[dict[str, Any]], str]

IRI_SCHEMES = ("https", "http", "urn", "did", "data", "mailto")
_IRI = re.compile(r"(?:" + "|".join(IRI_SCHEMES) + r"):[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*\Z")
# Control characters the N-Quads writers in use escape differently: pyld leaves them raw, while
# oxigraph and rdf-canonize (RDF 1.2 canonical form) write \b, \f or \uXXXX. TAB, LF and CR
# are written \t, \n, \r by all three.
_AWKWARD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Sentinels carry a random mark of this process, so no value can pass for one.
_MARK = secrets.token_hex(8)
_TEXT_SENTINEL = "fabrique slot " + _MARK + " {} end"
_IRI_SENTINEL = "urn:fabrique-slot:" + _MARK + ":{}:end"
_SENTINEL = re.compile(f"fabrique slot {_MARK} (\\d+) end|urn:fabrique-slot:{_MARK}:(\\d+):end")
_FIXED_KEYS = frozenset({"@context", "type", "@type"})

IRI, TEXT = "i", "t"


def _keeps_value(key: str) -> bool:
    """Values under contexts, types and keywords decide the expansion: never slots."""
    return key in _FIXED_KEYS or key.startswith("@")


class Unsupported(ValueError):
    """A document this module leaves to the full algorithm."""


@dataclass(frozen=True, slots=True)
class _Template:
    """N-Quads lines cut at the slots: text, then (slot, in_literal) pairs, alternating."""

    parts: tuple[str, ...]
    slots: tuple[tuple[int, bool], ...]

    def fill(self, values: list[str]) -> str:
        out = [self.parts[0]]
        for (slot, in_literal), part in zip(self.slots, self.parts[1:], strict=True):
            value = values[slot]
            out.append(_escape(value) if in_literal else value)
            out.append(part)
        return "".join(out)


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


def shape_of(document: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """(shape, slot values, slot kinds) of a document; raises Unsupported for awkward strings.
    The shape is a string written as the walk goes, in tokens that each start with their own
    character (``{ } [ ] i t s k v``) and end unambiguously (strings and keys length-prefixed,
    scalars by ``;``): two different structures never write the same shape."""
    values: list[str] = []
    kinds: list[str] = []
    out: list[str] = []
    emit = out.append

    def walk(node: Json, fixed: bool) -> None:
        if isinstance(node, str):
            if fixed:
                emit(f"s{len(node)}:{node}")
                return
            if _AWKWARD.search(node):
                raise Unsupported("a string holds a control character")
            if node.startswith("_:"):
                # A blank node identifier: where it names a node, equal labels make one node of
                # several, which a template of the shape cannot show. The full algorithm does.
                raise Unsupported("a string is a blank node identifier")
            kind = IRI if _IRI.match(node) else TEXT
            values.append(node)
            kinds.append(kind)
            emit(kind)
        elif isinstance(node, dict):
            emit("{")
            for key in sorted(node):
                emit(f"k{len(key)}:{key}")
                walk(node[key], fixed or _keeps_value(key))
            emit("}")
        elif isinstance(node, list):
            emit("[")
            for item in node:
                walk(item, fixed)
            emit("]")
        elif node is None or isinstance(node, bool | int | float):
            emit(f"v{node!r};")  # repr tells True from 1 from 1.0 from None
        else:
            raise Unsupported(f"not JSON: {type(node).__name__}")

    if not isinstance(document, dict):
        raise Unsupported("not a JSON object")
    walk(document, False)
    return "".join(out), values, kinds


def _sentinel_document(document: Json, fixed: frozenset[int], counter: list[int]) -> Json:
    """The document with every slot not in ``fixed`` holding its sentinel (same walk order)."""

    def walk(node: Json, is_fixed: bool) -> Json:
        if isinstance(node, dict):
            return {k: walk(v, is_fixed or _keeps_value(k)) for k, v in sorted(node.items())}
        if isinstance(node, list):
            return [walk(v, is_fixed) for v in node]
        if isinstance(node, str) and _MARK in node:
            raise Unsupported("a value holds the sentinel mark")
        if isinstance(node, str) and not is_fixed:
            slot = counter[0]
            counter[0] += 1
            if slot in fixed:
                return node
            return (_IRI_SENTINEL if _IRI.match(node) else _TEXT_SENTINEL).format(slot)
        return node

    return walk(document, False)


def _template(nquads: str, kinds: list[str], fixed: frozenset[int]) -> _Template | set[int]:
    """Cut the sentinel document's N-Quads at its sentinels. A TEXT sentinel found anywhere but
    as a whole literal makes its slot fixed: returned as the set of slots to fix."""
    parts: list[str] = []
    slots: list[tuple[int, bool]] = []
    misplaced: set[int] = set()
    position = 0
    seen: set[int] = set()
    for match in _SENTINEL.finditer(nquads):
        slot = int(match.group(1) or match.group(2))
        before, after = nquads[match.start() - 1 : match.start()], nquads[match.end() : match.end() + 1]
        in_literal = before == '"' and after == '"'
        in_iri = before == "<" and after == ">"
        if slot in fixed or slot >= len(kinds):
            raise Unsupported("a sentinel collides with a value")
        if kinds[slot] == TEXT and not in_literal:
            misplaced.add(slot)
            continue
        if not (in_literal or in_iri):
            raise Unsupported("a sentinel landed inside a larger term")
        parts.append(nquads[position : match.start()])
        slots.append((slot, in_literal))
        if in_literal:
            seen.add(slot)
        position = match.end()
    # A TEXT slot that never came out as a literal was dropped or consumed: its value decides.
    misplaced |= {i for i, kind in enumerate(kinds) if kind == TEXT and i not in fixed and i not in seen}
    if misplaced:
        return misplaced
    parts.append(nquads[position:])
    return _Template(tuple(parts), tuple(slots))


@dataclass(frozen=True, slots=True)
class Learned:
    """What building a shape's template found: picklable, so a worker process can send it."""

    shape: str
    fixed: frozenset[int]
    fixed_values: tuple[str, ...]
    template: _Template


class _Lru:
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class ShapeCanonicalizer:
    """RDFC-1.0 N-Quads by template per shape. ``to_nquads`` is the full JSON-LD to N-Quads step
    (pyld's toRdf, safe mode, local contexts); it runs once per shape."""

    def __init__(self, to_nquads: ToNquads, shapes: int = 256) -> None:
        self._to_nquads = to_nquads
        self._fixed = _Lru(shapes)  # shape -> slots whose value belongs to the shape
        self._templates = _Lru(shapes * 4)  # (shape, fixed values) -> template

    def canonicalize(self, document: dict[str, Any]) -> str:
        prepared = self.prepared(document)
        if prepared is None:
            learned = self.build(document)
            self.learn(learned)
            return canonical_nquads(learned.template.fill(shape_of(document)[1]))
        template, values = prepared
        return canonical_nquads(template.fill(values))

    def prepared(self, document: dict[str, Any]) -> tuple[_Template, list[str]] | None:
        """The template of this document's shape and its values, when known (no JSON-LD work)."""
        shape_key, values, _ = shape_of(document)
        fixed: frozenset[int] | None = self._fixed.get(shape_key)
        if fixed is None:
            return None
        template: _Template | None = self._templates.get((shape_key, tuple(values[i] for i in sorted(fixed))))
        return None if template is None else (template, values)

    def build(self, document: dict[str, Any]) -> Learned:
        """The JSON-LD work for a new shape: the part that costs, done where it may."""
        shape_key, values, kinds = shape_of(document)
        known: frozenset[int] = self._fixed.get(shape_key) or frozenset()
        fixed, template = self._build(document, kinds, known)
        return Learned(shape_key, fixed, tuple(values[i] for i in sorted(fixed)), template)

    def learn(self, learned: Learned) -> None:
        """Keep a template, built here or in a worker process (it depends only on the shape)."""
        self._fixed.put(learned.shape, learned.fixed)
        self._templates.put((learned.shape, learned.fixed_values), learned.template)

    def _build(
        self, document: dict[str, Any], kinds: list[str], fixed: frozenset[int]
    ) -> tuple[frozenset[int], _Template]:
        for _ in range(3):
            sentinel = _sentinel_document(document, fixed, [0])
            try:
                nquads = self._to_nquads(sentinel)
            except Exception as exc:  # pyld refused the sentinel: fix every TEXT slot, once
                if fixed >= {i for i, k in enumerate(kinds) if k == TEXT}:
                    raise Unsupported("the sentinel document does not expand") from exc
                fixed = fixed | {i for i, k in enumerate(kinds) if k == TEXT}
                continue
            result = _template(nquads, kinds, fixed)
            if isinstance(result, _Template):
                return fixed, result
            fixed = fixed | result
        raise Unsupported("no stable template for this shape")


# One N-Quads statement as pyld writes it: IRIs, blank nodes, literals with escapes.
_TERM = r"<[^>]*>|_:[A-Za-z0-9_.-]+"
_LITERAL = r'"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?'
_STATEMENT = re.compile(rf"({_TERM}) (<[^>]*>) ({_TERM}|{_LITERAL})(?: ({_TERM}))? \.")


def canonical_nquads(nquads: str, budget: int = WORK_BUDGET) -> str:
    """RDFC-1.0 of an N-Quads dataset, as sorted canonical N-Quads lines: in Python when every
    blank node's first-degree hash is unique (the common case, and the whole algorithm then),
    by oxigraph otherwise, once ``rdfc_work`` has found the N-degree work within ``budget``
    (``TooComplex`` when it is not: a poison graph never reaches oxigraph, which cannot be
    interrupted)."""
    simple = first_degree_nquads(nquads)
    if simple is not None:
        return simple
    gate_n_degree(nquads, budget)  # raises TooComplex before oxigraph is asked
    return _oxigraph_rdfc(nquads)


def first_degree_nquads(nquads: str) -> str | None:
    """The canonical N-Quads when every blank node's first-degree hash is unique (linear work,
    safe on any input); None when the N-degree steps would have to decide."""
    parsed = _parse(nquads)
    if parsed is None:
        return None
    plain, quads = parsed
    hashes = _first_degree_hashes(quads)
    by_hash = {digest: node for node, digest in hashes.items()}
    if len(by_hash) != len(hashes):
        return None
    labels = {by_hash[digest]: f"_:c14n{n}" for n, digest in enumerate(sorted(by_hash))}
    return "".join(sorted([*plain, *{_line(quad, labels, None) for quad in quads}]))


def gate_n_degree(nquads: str, budget: int = WORK_BUDGET) -> None:
    """``TooComplex`` when canonicalizing these N-Quads would need more than ``budget``."""
    parsed = _parse(nquads)
    if parsed is None:
        raise TooComplex("N-Quads this module cannot read")
    hashes = _first_degree_hashes(parsed[1])
    if len(set(hashes.values())) != len(hashes):
        canonical_labels(parsed[1], hashes, budget)


def _parse(nquads: str) -> tuple[list[str], list[Quad]] | None:
    """The statements with a blank node, parsed, and the others as they are; None when a line is
    not a statement this module writes (oxigraph then reads the whole)."""
    quads: list[Quad] = []
    plain: list[str] = []  # statements without a blank node: written as they are
    # A dataset holds each quad once. Lines end at LF only: str.splitlines would also cut at the
    # U+0085, U+2028 and U+2029 that literals carry unescaped.
    for line in dict.fromkeys(line for line in nquads.split("\n") if line):
        if "_:" not in line:
            plain.append(line + "\n")
            continue
        match = _STATEMENT.fullmatch(line)
        if match is None:
            return None
        subject, predicate, obj, graph = match.group(1, 2, 3, 4)
        quads.append((str(subject), str(predicate), str(obj), graph if graph is None else str(graph)))
    return plain, quads


def _first_degree_hashes(quads: list[Quad]) -> dict[str, str]:
    """RDFC-1.0 §4.6: each blank node's hash over the statements that mention it."""
    mentions: dict[str, list[int]] = {}
    for index, quad in enumerate(quads):
        for term in (quad[0], quad[2], quad[3]):
            if term is not None and term.startswith("_:"):
                places = mentions.setdefault(term, [])
                if not places or places[-1] != index:
                    places.append(index)
    hashes: dict[str, str] = {}
    for node, places in mentions.items():
        lines = sorted(_line(quads[i], {node: "_:a"}, "_:z") for i in places)
        hashes[node] = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    return hashes


def _line(quad: Quad, labels: dict[str, str], other: str | None) -> str:
    """The statement with blank nodes relabelled (``other`` for those not in ``labels``)."""

    def term(value: str) -> str:
        if value.startswith("_:"):
            return labels.get(value) or other or value
        return value

    subject, predicate, obj, graph = quad
    obj = term(obj) if obj.startswith("_:") else obj
    if graph is None:
        return f"{term(subject)} {predicate} {obj} .\n"
    return f"{term(subject)} {predicate} {obj} {term(graph)} .\n"


def _oxigraph_rdfc(nquads: str) -> str:
    """RDFC-1.0 by oxigraph (Rust), the whole algorithm."""
    try:
        dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, pyoxigraph.RdfFormat.N_QUADS))
    except (SyntaxError, ValueError) as exc:
        raise Unsupported("oxigraph does not read these N-Quads") from exc
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    written = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS) or b""
    lines = [line for line in written.decode("utf-8").split("\n") if line]  # LF only, as above
    return "".join(line + "\n" for line in sorted(lines))
