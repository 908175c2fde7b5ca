"""PDF documents for funders, laid out by WeasyPrint from the pages' templates (the same
catalogue, the same formats), as tagged PDF/UA with the document's language and title, so that
screen readers read them. No PDF is written by hand."""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.errors import FabriqueError
from service.web.badge_view import qr_svg
from service.web.render import render


class PdfUnavailable(FabriqueError):
    status = 503

    def __init__(self) -> None:
        super().__init__("pdf-unavailable")


def qr_data_uri(url: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode()


def pdf_response(request: Request, template: str, filename: str, **context: Any) -> Response:
    html = render(request, template, qr=qr_data_uri, **context)
    try:
        import weasyprint
    except OSError as exc:  # the Pango library is missing on this host
        raise PdfUnavailable() from exc
    document = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
