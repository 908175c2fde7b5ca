"""Sending over SMTP with the standard library: plain, STARTTLS or implicit TLS, with a timeout."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from service.settings import Settings, SmtpSecurity


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): retrying will not help."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # recipient-refused | message-refused


@dataclass(frozen=True, slots=True)
class SmtpSender:
    host: str
    port: int
    security: SmtpSecurity
    username: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        if not settings.smtp_host:
            raise ValueError("FABRIQUE_SMTP_HOST is not set: the worker has nowhere to send emails")
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.smtp_timeout,
        )

    def send(self, message: EmailMessage) -> None:
        """Raises PermanentFailure on a 5xx refusal; OSError or smtplib errors otherwise."""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.security is SmtpSecurity.TLS:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security is SmtpSecurity.STARTTLS:
                client.starttls(context=context)
            if self.username and self.password:
                client.login(self.username, self.password)
            try:
                client.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if codes and all(500 <= code < 600 for code in codes):
                    raise PermanentFailure(f"recipient refused ({codes[0]})", "recipient-refused") from exc
                raise
            except smtplib.SMTPDataError as exc:
                if 500 <= exc.smtp_code < 600:
                    raise PermanentFailure(f"message refused ({exc.smtp_code})", "message-refused") from exc
                raise
