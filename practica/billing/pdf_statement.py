"""A patient's statement as a PDF, through `pdf.html_to_pdf` (no queries in
the template: the statement is built by `selectors_ar.build_statement`)."""

from __future__ import annotations

from django.template.loader import render_to_string

from practica.billing.pdf import html_to_pdf
from practica.billing.selectors_ar import Statement
from practica.tenancy.models import Clinic


def render_statement_html(*, clinic: Clinic, statement: Statement) -> str:
    return render_to_string(
        "billing/pdf/statement.html", {"statement": statement, "clinic": clinic}
    )


def statement_pdf(*, clinic: Clinic, statement: Statement) -> bytes:
    return html_to_pdf(render_statement_html(clinic=clinic, statement=statement))


def statement_filename(statement: Statement) -> str:
    return f"statement-{statement.end.isoformat()}.pdf"
