"""Earners' private links and the console's one-time links (invitations, password resets) are
secrets in a URL path: access logs show them redacted."""

from __future__ import annotations

import logging
import re

_SECRET_LINK = re.compile(r"(/mon-badge/|/console/lien/)[^/?#\s\"]+")


def redact(text: str) -> str:
    return _SECRET_LINK.sub(r"\1[redacted]", text)


class RedactEarnerLinks(logging.Filter):
    """For uvicorn's access logger, whose arguments are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactEarnerLinks) for f in access.filters):
        access.addFilter(RedactEarnerLinks())
