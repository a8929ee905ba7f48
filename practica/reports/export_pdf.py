"""The patient's record as one PDF, rendered by WeasyPrint.

The HTML comes from the loaded record (no queries in templates). WeasyPrint
fetches nothing: the stylesheet is read here and passed as a string, and the
URL fetcher allows no protocol at all, so a URL slipped into the text (a
note, a document title) can never make the server fetch it.
"""

from __future__ import annotations

from pathlib import Path

import weasyprint
from django.template.loader import render_to_string

from practica.reports.export import ExportedRecord

STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "export_pdf.css"


def render_record_html(record: ExportedRecord) -> str:
    return render_to_string("reports/export_pdf.html", {"record": record})


def record_pdf(record: ExportedRecord) -> bytes:
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    document = weasyprint.HTML(
        string=render_record_html(record),
        base_url=str(STYLESHEET.parent),
        url_fetcher=fetcher,
    )
    stylesheet = weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher
    )
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf
