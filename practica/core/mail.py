"""The email gateway: one message, with attachments, through Django's email API.

The backend comes from settings (`EMAIL_BACKEND`): SMTP in production, a file
per message under `var/mail/` in development when no host is configured (so
`make run` keeps what was sent without printing it, and the health
information in it, to the console), locmem in the test settings.

Callers get `MailError` for anything the mail server or the network refused;
its message names only the error class, never an address or the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


class MailError(Exception):
    """The message could not be handed to the mail server."""

    def __init__(self, error_class: str) -> None:
        super().__init__(f"The mail server did not accept the message ({error_class}).")
        self.error_class = error_class


def send_message(
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    from_email: str | None = None,
) -> None:
    """Send one plain-text message to one address; raise MailError on failure."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    try:
        message.send(fail_silently=False)
    except OSError as error:
        # SMTPException is an OSError too, as are refused connections,
        # timeouts and name lookup failures.
        raise MailError(type(error).__name__) from error
