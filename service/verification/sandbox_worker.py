"""A canonicalization worker (``python -m service.verification.sandbox_worker``): reads documents
on its stdin, answers on its stdout, in ``multiprocessing.connection`` frames. It imports only
what canonicalization needs, so it starts in a fraction of a second; ``sandbox`` starts, feeds,
times and kills these processes."""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection

from service.signing import data_integrity
from service.signing.errors import ProofError
from service.signing.jsonld_safe import UnsafeJsonLd
from service.signing.rdfc_work import TooComplex

READY = ("ready", None, None)


def main() -> None:
    reader = Connection(os.dup(0), writable=False)
    writer = Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr  # nothing else may write into the answers' pipe
    writer.send(READY)
    while True:
        try:
            document = reader.recv()
        except (EOFError, OSError):
            return
        try:
            nquads, learned = data_integrity.canonicalize_learning(document)
            writer.send(("ok", nquads, learned))
        except UnsafeJsonLd as exc:
            writer.send(("unsafe", exc.code, exc.term))
        except TooComplex as exc:
            writer.send(("too-complex", str(exc), None))
        except ProofError as exc:
            writer.send(("error", exc.code, str(exc)))
        except (RecursionError, MemoryError) as exc:
            writer.send(("too-complex", type(exc).__name__, None))


if __name__ == "__main__":
    main()
