"""The interactive API documentation (Swagger UI at /docs), served from this origin under the
pages' Content-Security-Policy: its script and style come from the ``fastapi-offline`` package
(mounted at /static/api-docs), never from a CDN, and the set-up is a file of ours
(``static/api-docs.js``), not an inline script. ReDoc is not offered: it injects inline styles,
which that policy refuses (tried in Chromium); /openapi.json is there for any other viewer."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
router = APIRouter(include_in_schema=False)

_SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fabrique à badges — API</title>
<link rel="stylesheet" href="/static/api-docs/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/api-docs/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""


@router.get("/docs")
async def swagger() -> HTMLResponse:
    return HTMLResponse(_SWAGGER)


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS)
