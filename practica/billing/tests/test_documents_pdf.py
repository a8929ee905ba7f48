"""Invoice, receipt, credit note and superbill documents: what they print,
that they are PDFs, and the queries their selectors cost."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from django.http import Http404

from practica.audit.models import AuditEntry
from practica.billing.models import Invoice
from practica.billing.pdf import (
    credit_note_pdf,
    invoice_pdf,
    render_credit_note_html,
    render_invoice_html,
    render_receipt_html,
    render_superbill_html,
    superbill_pdf,
)
from practica.billing.selectors_documents import (
    diagnoses_in,
    get_credit_note_document,
    get_invoice_document,
    get_receipt_document,
    get_superbill_document,
)
from practica.billing.services import record_payment, void_invoice
from practica.billing.tests.factories_documents import (
    make_credit_note,
    make_invoice,
    make_us_invoice,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_invoice_prints_payments_credit_notes_and_balance(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a 100.00 invoice with 30.00 paid and a 20.00 credit note
    invoice = make_invoice(clinic)
    record_payment(
        actor=system_actor,
        invoice=invoice,
        method="cash",
        amount="30.00",
        reference="R-9",
    )
    make_credit_note(invoice, amount=Decimal("20.00"))
    # when it is rendered
    doc = get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    html = render_invoice_html(doc)
    # then the payment, the credit note and the ledger balance are on it
    assert doc.paid == Decimal("30.00")
    assert doc.credited == Decimal("20.00")
    assert doc.balance == Decimal("70.00")
    for text in [
        "Invoice #1",
        "Clinic A",
        "R-9",
        "$30.00",
        "Credit notes",
        "#1",
        "Session shortened",
        "-$20.00",
        "Balance due",
        "$70.00",
    ]:
        assert text in html
    assert "watermark" not in html


def test_void_invoice_pdf_says_void(clinic: Clinic, system_actor: Actor) -> None:
    # given a void invoice
    invoice = make_invoice(clinic)
    void_invoice(actor=system_actor, invoice=invoice, reason="Billed in error")
    # when its PDF is made
    doc = get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    text = _pdf_text(invoice_pdf(doc))
    # then it reads VOID and why
    assert doc.watermark == "VOID"
    assert "VOID" in text
    assert "Voided: Billed in error" in text
    assert "Invoice #1" in text


def test_draft_invoice_is_marked_draft(clinic: Clinic, system_actor: Actor) -> None:
    invoice = make_invoice(clinic)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.DRAFT)
    doc = get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    assert doc.watermark == "DRAFT"
    assert '<p class="watermark">DRAFT</p>' in render_invoice_html(doc)


def test_receipt_shows_where_the_payment_went(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given 40.00 paid on a 100.00 invoice
    invoice = make_invoice(clinic)
    payment = record_payment(
        actor=system_actor, invoice=invoice, method="etransfer", amount="40.00"
    )
    # when the receipt is rendered
    doc = get_receipt_document(actor=system_actor, payment_id=payment.pk)
    html = render_receipt_html(doc)
    # then it shows the invoice paid, what it still owes, and no credit left
    assert [(a.invoice.number, a.amount, a.balance) for a in doc.applications] == [
        (1, Decimal("40.00"), Decimal("60.00"))
    ]
    assert doc.unapplied == Decimal("0.00")
    for text in [
        "Receipt",
        "E-transfer",
        "$40.00",
        "Applied to",
        "$60.00",
        "Left as account credit",
        "$0.00",
    ]:
        assert text in html


def test_credit_note_pdf(clinic: Clinic, system_actor: Actor) -> None:
    # given a credit note of 20.00 + 2.60 tax
    invoice = make_invoice(clinic)
    note = make_credit_note(invoice, amount=Decimal("20.00"), tax=Decimal("2.60"))
    # when rendered
    doc = get_credit_note_document(actor=system_actor, credit_note_id=note.pk)
    html = render_credit_note_html(doc)
    text = _pdf_text(credit_note_pdf(doc))
    # then number, invoice, reason, amounts
    assert [row.total for row in doc.lines] == [Decimal("22.60")]
    for fragment in [
        f"Credit note #{note.number}",
        "For invoice #1",
        "Reason: Session shortened",
        "$22.60",
        "$2.60",
    ]:
        assert fragment in html
    assert "Total credited" in text


def test_superbill_lists_codes_dates_and_charges(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a US invoice from a signed note mentioning two ICD-10 codes
    invoice = make_us_invoice(clinic)
    # when its superbill is made
    doc = get_superbill_document(actor=system_actor, invoice_id=invoice.pk)
    html = render_superbill_html(doc)
    text = _pdf_text(superbill_pdf(doc))
    # then the diagnoses (not "T12"), the CPT code, date of service, DOB, provider
    assert [(d.code, d.display) for d in doc.diagnoses] == [
        ("M54.50", "Low back pain, unspecified"),
        ("R51.9", "Headache, unspecified"),
    ]
    assert [row.line.service_code for row in doc.lines] == ["97110"]
    assert [str(row.service_on) for row in doc.lines] == ["2031-03-03"]
    for fragment in [
        "Superbill",
        "Date of birth 1980-04-23",
        "97110",
        "2031-03-03",
        "M54.50",
        "R51.9",
        "$120.00",
        "Brooklyn",
    ]:
        assert fragment in html
    assert doc.providers[0] in html
    assert "NPI" not in html
    assert "M54.50" in text


def test_superbill_of_a_canadian_invoice_is_not_found(
    clinic: Clinic, system_actor: Actor
) -> None:
    invoice = make_invoice(clinic)
    with pytest.raises(Http404):
        get_superbill_document(actor=system_actor, invoice_id=invoice.pk)


def test_diagnoses_keep_only_listed_codes_in_order() -> None:
    contents = [{"a": "I10 and i10 again", "t": {"row": {"col": "S83.241A"}}}, ["M545"]]
    assert [d.code for d in diagnoses_in(contents)] == ["I10", "S83.241A"]


def test_each_document_view_is_audited_once(
    clinic: Clinic, system_actor: Actor
) -> None:
    invoice = make_us_invoice(clinic)
    payment = record_payment(
        actor=system_actor, invoice=invoice, method="cash", amount="10.00"
    )
    note = make_credit_note(invoice)
    before = AuditEntry.objects.filter(action="view").count()
    get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    get_receipt_document(actor=system_actor, payment_id=payment.pk)
    get_credit_note_document(actor=system_actor, credit_note_id=note.pk)
    get_superbill_document(actor=system_actor, invoice_id=invoice.pk)
    views = AuditEntry.objects.filter(action="view").order_by("seq")[before:]
    assert [(v.object_type, v.object_id, v.patient_id) for v in views] == [
        ("billing.invoice", str(invoice.pk), invoice.patient_id),
        ("billing.payment", str(payment.pk), invoice.patient_id),
        ("billing.creditnote", str(note.pk), invoice.patient_id),
        ("billing.invoice", str(invoice.pk), invoice.patient_id),
    ]


def test_another_clinics_documents_are_not_found(
    clinic: Clinic, other_clinic: Clinic, system_actor: Actor
) -> None:
    invoice = make_us_invoice(other_clinic)
    note = make_credit_note(invoice)
    for fetch in [
        lambda: get_invoice_document(actor=system_actor, invoice_id=invoice.pk),
        lambda: get_superbill_document(actor=system_actor, invoice_id=invoice.pk),
        lambda: get_credit_note_document(actor=system_actor, credit_note_id=note.pk),
    ]:
        with pytest.raises(Http404):
            fetch()
    assert AuditEntry.objects.filter(clinic_id=clinic.pk, outcome="denied").count() == 3


def test_document_selectors_cost_fixed_queries(
    clinic: Clinic, system_actor: Actor, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    # given a US invoice with two payments and a credit note
    invoice = make_us_invoice(clinic)
    for amount in ["10.00", "15.00"]:
        record_payment(
            actor=system_actor, invoice=invoice, method="cash", amount=amount
        )
    make_credit_note(invoice)
    # then: invoice, lines, taxes, ledger sums, payments, credit notes, balance,
    # and the audit entry's writes
    with django_assert_num_queries(12):
        get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    # plus the signed notes
    with django_assert_num_queries(13):
        get_superbill_document(actor=system_actor, invoice_id=invoice.pk)
