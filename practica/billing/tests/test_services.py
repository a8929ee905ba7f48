import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from practica.audit.models import AuditEntry
from practica.billing.errors import (
    InvalidPaymentError,
    InvoiceNotAllowedError,
    InvoiceVoidError,
    OverpaymentError,
)
from practica.billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceLineTax,
    LedgerEntry,
    Payment,
    TaxCategory,
)
from practica.billing.selectors import (
    account_credit,
    invoice_balance,
    patient_balance,
)
from practica.billing.services import (
    NewLine,
    create_invoice_for_appointment,
    create_invoice_for_note,
    issue_new_invoice,
    record_payment,
    void_invoice,
)
from practica.billing.tests.factories import make_invoice
from practica.charting.models import ClinicalNote
from practica.charting.tests.factories import ClinicalNoteFactory, SignedNoteFactory
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import LocationFactory, system_actor_for


def _changes(clinic: Clinic, action: str) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(clinic_id=clinic.pk, action=action)
        .order_by("seq")
        .values_list("object_type", "object_id")
    )


# --- invoices -------------------------------------------------------------


def test_exempt_service_is_invoiced_without_tax(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a completed appointment for an exempt service at 95.00
    service = AppointmentTypeFactory(
        clinic=clinic, name="Physio follow-up", service_code="PT02", price=Decimal("95")
    )
    appointment = AppointmentFactory(
        clinic=clinic, appointment_type=service, status=Appointment.Status.COMPLETED
    )
    # when it is invoiced
    invoice = create_invoice_for_appointment(
        actor=system_actor, appointment=appointment
    )
    # then one untaxed line carries the service and day, the ledger the charge
    local_day = appointment.start_at.astimezone(appointment.location.tz)
    assert (invoice.number, invoice.status) == (1, Invoice.Status.ISSUED)
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("95.00"),
        Decimal("0.00"),
        Decimal("95.00"),
    )
    assert list(
        invoice.lines.values_list(
            "description", "service_code", "unit_price", "tax_name", "line_total"
        )
    ) == [
        (
            f"Physio follow-up - {local_day:%Y-%m-%d}",
            "PT02",
            Decimal("95.00"),
            "",
            Decimal("95.00"),
        )
    ]
    assert list(LedgerEntry.objects.values_list("kind", "amount", "invoice")) == [
        ("charge", Decimal("95.00"), invoice.pk)
    ]
    assert invoice.patient_id == appointment.patient_id
    assert invoice.appointment_id == appointment.pk
    assert _changes(clinic, "create") == [("billing.invoice", str(invoice.pk))]


def test_goods_in_bc_carry_gst_and_pst(clinic: Clinic, system_actor: Actor) -> None:
    # given a product sold at a British Columbia location
    location = LocationFactory(
        clinic=clinic, tax_region="CA-BC", timezone="America/Vancouver"
    )
    patient = PatientFactory(clinic=clinic)
    # when it is invoiced
    invoice = issue_new_invoice(
        actor=system_actor,
        patient=patient,
        location=location,
        lines=[
            NewLine(
                description="Foam roller",
                unit_price=Decimal("44.95"),
                tax_category=TaxCategory.GOODS,
            )
        ],
    )
    # then GST and PST are charged separately, each rounded on the line
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("44.95"),
        Decimal("5.40"),
        Decimal("50.35"),
    )
    line = invoice.lines.get()
    assert (line.tax_name, line.tax_rate, line.tax_amount) == (
        "GST+PST",
        Decimal("0.12000"),
        Decimal("5.40"),
    )
    assert list(
        InvoiceLineTax.objects.filter(line=line).values_list("name", "rate", "amount")
    ) == [
        ("GST", Decimal("0.05000"), Decimal("2.25")),
        ("PST", Decimal("0.07000"), Decimal("3.15")),
    ]
    assert LedgerEntry.objects.get().amount == Decimal("50.35")


def test_taxable_item_in_ontario_carries_hst(
    clinic: Clinic, system_actor: Actor
) -> None:
    service = AppointmentTypeFactory(
        clinic=clinic, price=Decimal("80.00"), is_taxable=True
    )
    appointment = AppointmentFactory(
        clinic=clinic, appointment_type=service, status=Appointment.Status.COMPLETED
    )
    invoice = create_invoice_for_appointment(
        actor=system_actor, appointment=appointment
    )
    assert (invoice.tax_total, invoice.total) == (Decimal("10.40"), Decimal("90.40"))


def test_numbers_run_one_two_three_per_clinic(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    # given two clinics invoicing in turn
    # when each issues invoices
    numbers_a = [make_invoice(clinic).number for _ in range(3)]
    numbers_b = [make_invoice(other_clinic).number for _ in range(2)]
    # then each clinic counts on its own from 1
    assert numbers_a == [1, 2, 3]
    assert numbers_b == [1, 2]
    assert InvoiceCounter.objects.get(clinic=clinic).last_number == 3


def test_same_appointment_twice_returns_the_same_invoice(
    clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    first = create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    second = create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    assert second.pk == first.pk
    assert Invoice.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    assert InvoiceCounter.objects.get(clinic=clinic).last_number == 1


def test_appointment_with_a_void_invoice_can_be_invoiced_again(
    clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    first = create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    void_invoice(actor=system_actor, invoice=first, reason="Wrong service")
    second = create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    assert (first.number, second.number) == (1, 2)
    assert second.status == Invoice.Status.ISSUED


@pytest.mark.parametrize(
    "status", [Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW]
)
def test_cancelled_or_no_show_appointment_is_not_invoiced(
    clinic: Clinic, system_actor: Actor, status: str
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=status)
    with pytest.raises(InvoiceNotAllowedError, match="cannot be invoiced"):
        create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    assert Invoice.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert InvoiceCounter.objects.filter(clinic=clinic, last_number__gt=0).count() == 0


def test_appointment_of_another_clinic_is_refused(
    clinic: Clinic, other_clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(
        clinic=other_clinic, status=Appointment.Status.COMPLETED
    )
    with pytest.raises(InvoiceNotAllowedError):
        create_invoice_for_appointment(actor=system_actor, appointment=appointment)
    assert Invoice.objects.count() == 0


def test_signed_note_is_invoiced_for_its_appointment(
    clinic: Clinic, system_actor: Actor
) -> None:
    note = SignedNoteFactory(clinic=clinic)
    invoice = create_invoice_for_note(actor=system_actor, note=note)
    assert invoice.note_id == note.pk
    assert invoice.appointment_id == note.appointment_id
    assert invoice.total == Decimal("100.00")


def test_draft_note_of_completed_appointment_is_invoiced(
    clinic: Clinic, system_actor: Actor
) -> None:
    note = ClinicalNoteFactory(
        clinic=clinic,
        appointment__status=Appointment.Status.COMPLETED,
        status=ClinicalNote.Status.DRAFT,
        signed_at=None,
    )
    invoice = create_invoice_for_note(actor=system_actor, note=note)
    assert invoice.note_id == note.pk


def test_draft_note_of_open_appointment_is_refused(
    clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    note = ClinicalNoteFactory(
        clinic=clinic,
        appointment=appointment,
        status=ClinicalNote.Status.DRAFT,
        signed_at=None,
    )
    with pytest.raises(InvoiceNotAllowedError, match="Sign the note"):
        create_invoice_for_note(actor=system_actor, note=note)
    assert Invoice.objects.count() == 0


def test_note_without_appointment_is_refused(
    clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    note = SignedNoteFactory(
        clinic=clinic,
        appointment=None,
        patient=appointment.patient,
        provider=appointment.provider,
    )
    with pytest.raises(InvoiceNotAllowedError, match="no appointment"):
        create_invoice_for_note(actor=system_actor, note=note)


def test_note_and_appointment_share_one_invoice(
    clinic: Clinic, system_actor: Actor
) -> None:
    note = SignedNoteFactory(clinic=clinic)
    by_note = create_invoice_for_note(actor=system_actor, note=note)
    by_appointment = create_invoice_for_appointment(
        actor=system_actor, appointment=note.appointment
    )
    assert by_note.pk == by_appointment.pk


# --- payments -------------------------------------------------------------


def test_partial_then_full_payment(clinic: Clinic, system_actor: Actor) -> None:
    # given an invoice of 100.00
    invoice = make_invoice(clinic)
    # when 40.00 is paid
    first = record_payment(
        actor=system_actor, invoice=invoice, method="cash", amount=Decimal("40.00")
    )
    # then it is partially paid with 60.00 left
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("60.00")
    # when the rest is paid by card
    second = record_payment(
        actor=system_actor,
        invoice=invoice,
        method="card",
        amount="60",
        reference="AUTH 1234",
    )
    # then it is paid and the ledger carries both payments
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("0.00")
    assert (second.amount, second.reference, second.method) == (
        Decimal("60.00"),
        "AUTH 1234",
        "card",
    )
    assert list(
        LedgerEntry.objects.order_by("pk").values_list("kind", "amount", "payment")
    ) == [
        ("charge", Decimal("100.00"), None),
        ("payment", Decimal("-40.00"), first.pk),
        ("payment", Decimal("-60.00"), second.pk),
    ]
    assert _changes(clinic, "create")[1:] == [
        ("billing.payment", str(first.pk)),
        ("billing.payment", str(second.pk)),
    ]


def test_payment_keeps_the_given_time(clinic: Clinic, system_actor: Actor) -> None:
    invoice = make_invoice(clinic)
    at = dt.datetime(2025, 3, 4, 16, 30, tzinfo=dt.UTC)
    payment = record_payment(
        actor=system_actor,
        invoice=invoice,
        method="cheque",
        amount="10",
        received_at=at,
    )
    assert payment.received_at == at


@pytest.mark.parametrize(
    ("method", "amount", "error", "field", "message"),
    [
        ("cash", "100.01", OverpaymentError, "amount", "more than the balance"),
        ("cash", "10.005", InvalidPaymentError, "amount", "at most 2 decimal"),
        ("cash", "-5", InvalidPaymentError, "amount", "more than 0"),
        ("cash", "0", InvalidPaymentError, "amount", "more than 0"),
        ("cash", "ten", InvalidPaymentError, "amount", "Enter an amount"),
        ("cash", "NaN", InvalidPaymentError, "amount", "Enter an amount"),
        ("bitcoin", "10", InvalidPaymentError, "method", "payment method"),
    ],
)
def test_bad_payment_is_refused_and_changes_nothing(
    clinic: Clinic,
    system_actor: Actor,
    method: str,
    amount: str,
    error: type[Exception],
    field: str,
    message: str,
) -> None:
    # given an invoice of 100.00
    invoice = make_invoice(clinic)
    # when a bad payment is tried
    with pytest.raises(error, match=message) as caught:
        record_payment(
            actor=system_actor, invoice=invoice, method=method, amount=amount
        )
    # then the field is named and nothing changed
    assert getattr(caught.value, "field", None) == field
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert Payment.objects.count() == 0
    assert LedgerEntry.objects.count() == 1


def test_void_invoice_cannot_be_paid(clinic: Clinic, system_actor: Actor) -> None:
    invoice = make_invoice(clinic)
    void_invoice(actor=system_actor, invoice=invoice, reason="Duplicate")
    with pytest.raises(InvoiceVoidError, match="void"):
        record_payment(actor=system_actor, invoice=invoice, method="cash", amount="1")
    assert Payment.objects.count() == 0
    assert LedgerEntry.objects.count() == 2


# --- voids ----------------------------------------------------------------


def test_void_keeps_the_invoice_and_zeroes_the_balance(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given an unpaid invoice of 113.00
    invoice = make_invoice(clinic, is_taxable=True)
    # when it is voided
    void_invoice(actor=system_actor, invoice=invoice, reason="  Billed in error ")
    # then it stays, void, with a zero balance through a void ledger entry
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice.void_reason == "Billed in error"
    assert invoice.voided_at is not None
    assert invoice.total == Decimal("113.00")
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("0.00")
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount")) == [
        ("charge", Decimal("113.00")),
        ("void", Decimal("-113.00")),
    ]
    assert _changes(clinic, "void") == [("billing.invoice", str(invoice.pk))]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_void_needs_a_short_reason(
    clinic: Clinic, system_actor: Actor, reason: str
) -> None:
    invoice = make_invoice(clinic)
    with pytest.raises(InvoiceVoidError, match="reason") as caught:
        void_invoice(actor=system_actor, invoice=invoice, reason=reason)
    assert caught.value.field == "reason"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert LedgerEntry.objects.count() == 1


def test_void_of_a_part_paid_invoice_moves_the_payment_to_credit(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given an invoice of 100.00 with 20.00 paid
    invoice = make_invoice(clinic)
    record_payment(actor=system_actor, invoice=invoice, method="cash", amount="20")
    # when it is voided
    void_invoice(actor=system_actor, invoice=invoice, reason="Changed mind")
    # then it owes nothing, and the 20.00 is the patient's account credit
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice_balance(actor=system_actor, invoice=invoice) == Decimal("0.00")
    assert account_credit(actor=system_actor, patient=invoice.patient) == Decimal(
        "20.00"
    )
    assert patient_balance(actor=system_actor, patient=invoice.patient) == Decimal(
        "-20.00"
    )
    kinds = list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount"))
    assert kinds == [
        ("charge", Decimal("100.00")),
        ("payment", Decimal("-20.00")),
        ("allocation", Decimal("-20.00")),
        ("allocation", Decimal("20.00")),
        ("void", Decimal("-100.00")),
    ]


def test_void_twice_is_refused(clinic: Clinic, system_actor: Actor) -> None:
    invoice = make_invoice(clinic)
    void_invoice(actor=system_actor, invoice=invoice, reason="Duplicate")
    with pytest.raises(InvoiceVoidError, match="already void"):
        void_invoice(actor=system_actor, invoice=invoice, reason="Again")
    assert LedgerEntry.objects.count() == 2


# --- ledger ---------------------------------------------------------------


def test_ledger_rows_cannot_be_updated(clinic: Clinic) -> None:
    make_invoice(clinic)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        LedgerEntry.objects.update(amount=Decimal("0.00"))
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


def test_ledger_rows_cannot_be_deleted(clinic: Clinic) -> None:
    make_invoice(clinic)
    entry = LedgerEntry.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()
    assert LedgerEntry.objects.count() == 1


def test_database_refuses_ledger_delete_on_postgresql(clinic: Clinic) -> None:
    make_invoice(clinic)
    sql = "DELETE FROM billing_ledgerentry"
    # SQLite's trigger leaves DELETE open for the test runner's flush; the
    # PostgreSQL trigger refuses it even to raw SQL.
    expected = DatabaseError if connection.vendor == "postgresql" else None
    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
            raised = None
        except DatabaseError as exc:
            raised = type(exc)
        transaction.savepoint_rollback(sid)
    assert (raised is not None) == (expected is not None)


def test_patient_balance_sums_every_invoice(
    clinic: Clinic, system_actor: Actor
) -> None:
    first = make_invoice(clinic)
    patient = first.patient
    second = make_invoice(clinic, price=Decimal("50.00"), patient=patient)
    third = make_invoice(clinic, price=Decimal("70.00"), patient=patient)
    record_payment(actor=system_actor, invoice=second, method="cash", amount="20")
    void_invoice(actor=system_actor, invoice=third, reason="Duplicate")
    make_invoice(clinic)  # another patient
    assert patient_balance(actor=system_actor, patient=patient) == Decimal("130.00")


def test_patient_balance_is_zero_without_invoices(
    clinic: Clinic, system_actor: Actor
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    assert patient_balance(actor=system_actor, patient=appointment.patient) == Decimal(
        "0.00"
    )


def test_actor_of_other_clinic_sees_no_balance(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    invoice = make_invoice(clinic)
    outsider = system_actor_for(other_clinic)
    assert patient_balance(actor=outsider, patient=invoice.patient) == Decimal("0.00")
