import datetime as dt
from decimal import Decimal

from practica.billing.pdf import (
    invoice_pdf,
    receipt_pdf,
    render_invoice_html,
    render_receipt_html,
)
from practica.billing.selectors_documents import (
    get_invoice_document,
    get_receipt_document,
)
from practica.billing.services import create_invoice_for_appointment, record_payment
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import LocationFactory


def _quebec_invoice(clinic: Clinic, actor: Actor):  # type: ignore[no-untyped-def]
    location = LocationFactory(
        clinic=clinic,
        name="Plateau",
        street="200 Rue Rachel E",
        city="Montreal",
        region="QC",
        postal_code="H2W 1E3",
        tax_region="CA-QC",
        timezone="America/Toronto",
    )
    service = AppointmentTypeFactory(
        clinic=clinic,
        name="Orthotic fitting",
        service_code="ORT1",
        price=Decimal("85.00"),
        is_taxable=True,
    )
    patient = PatientFactory(clinic=clinic, first_name="Ada", last_name="Synthetic")
    appointment = AppointmentFactory(
        clinic=clinic,
        location=location,
        appointment_type=service,
        patient=patient,
        status=Appointment.Status.COMPLETED,
    )
    return create_invoice_for_appointment(actor=actor, appointment=appointment)


def test_invoice_html_carries_every_figure(clinic: Clinic, system_actor: Actor) -> None:
    # given a Quebec invoice for a taxable item
    invoice = _quebec_invoice(clinic, system_actor)
    detail = get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    # when it is rendered
    html = render_invoice_html(detail)
    # then clinic, address, number, patient, lines, taxes and totals are there
    for text in [
        "Clinic A",
        "200 Rue Rachel E, Montreal, QC, H2W 1E3",
        "Invoice #1",
        "Ada Synthetic",
        "Orthotic fitting",
        "ORT1",
        "GST 5%",
        "$4.25",
        "QST 9.975%",
        "$8.48",
        "$97.73",
        "Balance due",
    ]:
        assert text in html


def test_receipt_html_carries_the_payment(clinic: Clinic, system_actor: Actor) -> None:
    # given a payment of 50.00 on a 97.73 invoice
    invoice = _quebec_invoice(clinic, system_actor)
    payment = record_payment(
        actor=system_actor,
        invoice=invoice,
        method="etransfer",
        amount="50.00",
        reference="ET-42",
        received_at=dt.datetime(2025, 3, 4, 17, 5, tzinfo=dt.UTC),
    )
    receipt = get_receipt_document(actor=system_actor, payment_id=payment.pk)
    # when the receipt is rendered
    html = render_receipt_html(receipt)
    # then method, amount, local date and remaining balance are there
    for text in [
        "Receipt",
        "E-transfer",
        "ET-42",
        "$50.00",
        "2025-03-04 12:05",
        "$47.73",
    ]:
        assert text in html


def test_pdfs_are_pdf_documents(clinic: Clinic, system_actor: Actor) -> None:
    invoice = _quebec_invoice(clinic, system_actor)
    payment = record_payment(
        actor=system_actor, invoice=invoice, method="cash", amount="10.00"
    )
    invoice_bytes = invoice_pdf(
        get_invoice_document(actor=system_actor, invoice_id=invoice.pk)
    )
    receipt_bytes = receipt_pdf(
        get_receipt_document(actor=system_actor, payment_id=payment.pk)
    )
    assert invoice_bytes.startswith(b"%PDF")
    assert receipt_bytes.startswith(b"%PDF")
    assert len(invoice_bytes) > 1000
    assert len(receipt_bytes) > 1000
