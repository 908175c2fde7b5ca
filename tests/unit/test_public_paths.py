"""The public paths are written once (``Paths``): every one is a route, every URL the service
writes into a document is one of them, and the verifier's local lookup reads the same table."""

from __future__ import annotations

import inspect
import re

from fastapi.routing import APIRoute

from service.openbadges.urls import Paths, PublicUrls
from service.usecases import public_documents
from service.web import documents, endorsements

ID = "a" * 26
KID = "K" * 43


def shapes() -> dict[str, str]:
    return {name: value for name, value in vars(Paths).items() if name.isupper()}


def test_every_public_path_is_a_route_and_every_route_a_public_path() -> None:
    public = [*documents.router.routes, *endorsements.router.routes]
    routes = {route.path for route in public if isinstance(route, APIRoute)} - {"/"}
    assert routes == set(shapes().values())


def test_every_url_written_into_a_document_has_a_public_shape() -> None:
    urls = PublicUrls("https://badges.example.test")
    patterns = [public_documents.path_pattern(shape) for shape in shapes().values()]
    for name, method in inspect.getmembers(urls, inspect.ismethod):
        if name.startswith("_"):
            continue
        arguments = [KID if p == "kid" else ID for p in inspect.signature(method).parameters]
        path = method(*arguments).removeprefix(urls.base)
        assert any(pattern.fullmatch(path) for pattern in patterns), (name, path)


def test_the_local_lookup_reads_public_paths_only() -> None:
    readable = {pattern.pattern for pattern, _ in public_documents.LOCAL_READS}
    expected = {public_documents.path_pattern(shape).pattern for shape in shapes().values()}
    assert readable <= expected
    assert public_documents.path_pattern(Paths.KEY).fullmatch(f"/keys/{KID}")
    assert not public_documents.path_pattern(Paths.ISSUER).fullmatch("/issuers/../keys")
    assert re.escape(".") in public_documents.path_pattern(Paths.DID_DOCUMENT).pattern
