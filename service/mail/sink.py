"""A mail sink for trying the service without an SMTP server (``fabrique worker --sink``): each
message is written as an ``.eml`` file under the instance's ``var/courriels/`` and summed up on
standard output (recipient, subject, and every link it holds: the earner's private page, a
sign-in or an invitation link). Nothing leaves the machine. For development and trials only:
the files hold the private links that emails exist to deliver."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class FileSink:
    directory: Path
    say: Callable[[str], None] = print

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = str(message["Message-ID"] or "message").strip("<>").split("@")[0] or "message"
        path = self.directory / f"{re.sub(r'[^A-Za-z0-9_-]', '_', name)}.eml"
        path.write_bytes(bytes(message))
        self.say(f"→ {message['To']} — {message['Subject']}")
        for link in links_of(message):
            self.say(f"    {link}")
        self.say(f"    ({path})")


def links_of(message: EmailMessage) -> list[str]:
    """The links of the plain-text part, in order, each once."""
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    seen: list[str] = []
    for link in _LINK.findall(str(text)):
        if link not in seen:
            seen.append(link)
    return seen
