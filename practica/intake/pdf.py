"""The PDF of a form submission, rendered by WeasyPrint from a Django
template: form title and version, clinic, patient, each answer, the legal
text, the drawn signature, the time of signing and the SHA-256 of the
answers. WeasyPrint may read `data:` URLs only (the signature image), so a
submission's text can never make it fetch anything."""

from __future__ import annotations

import base64
import zoneinfo
from typing import TYPE_CHECKING

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from practica.intake.form_fields import answered_sections
from practica.intake.legal_text import blocks

if TYPE_CHECKING:
    from practica.intake.models import FormDefinition, FormSubmission


def signature_data_url(png: bytes | memoryview | None) -> str:
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")


def render_submission_html(
    *, submission: FormSubmission, definition: FormDefinition
) -> str:
    context = {
        "submission": submission,
        "definition": definition,
        "clinic": submission.clinic,
        "patient": submission.patient,
        "sections": answered_sections(definition.fields, submission.answers),
        "legal_blocks": blocks(definition.legal_text),
        "signature_url": signature_data_url(submission.signature_png),
        "handed_by": (
            submission.handed_by.user.full_name
            if submission.handed_by is not None
            else ""
        ),
    }
    return render_to_string("intake/pdf/submission.html", context)


def submission_pdf(
    *, submission: FormSubmission, definition: FormDefinition, tz: str
) -> bytes:
    """The PDF, its times shown in the clinic's time zone `tz`."""
    with timezone.override(zoneinfo.ZoneInfo(tz)):
        html = render_submission_html(submission=submission, definition=definition)
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
