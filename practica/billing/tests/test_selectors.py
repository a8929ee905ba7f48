from decimal import Decimal

import pytest
from django.http import Http404

from practica.audit.models import AuditEntry
from practica.billing.selectors import (
    get_appointment_for,
    get_invoice_for,
    get_note_for,
    get_payment_for,
    list_invoices,
    list_patient_invoices,
    list_patient_payments,
)
from practica.billing.services import void_invoice
from practica.billing.tests.factories import (
    URL_KWARG_BUILDERS,
    make_invoice,
    make_payment,
)
from practica.charting.tests.factories import ClinicalNoteFactory
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for


def test_patient_timeline_lists_invoices_and_payments(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given two invoices of one patient, one part paid, and another patient's
    first = make_invoice(clinic)
    patient = first.patient
    second = make_invoice(clinic, price=Decimal("60.00"), patient=patient)
    payment = make_payment(clinic, invoice=first, amount=Decimal("25.00"))
    make_invoice(clinic)
    # when the timeline is read
    invoices = list(list_patient_invoices(actor=system_actor, patient=patient))
    payments = list(list_patient_payments(actor=system_actor, patient=patient))
    # then it has this patient's rows only, with balances
    assert [(i.pk, i.balance) for i in invoices] == [
        (second.pk, Decimal("60.00")),
        (first.pk, Decimal("75.00")),
    ]
    assert [p.pk for p in payments] == [payment.pk]


def test_list_balance_of_void_invoice_is_zero(
    clinic: Clinic, system_actor: Actor
) -> None:
    invoice = make_invoice(clinic)
    void_invoice(actor=system_actor, invoice=invoice, reason="Duplicate")
    assert [i.balance for i in list_invoices(actor=system_actor)] == [Decimal("0.00")]


def test_list_searches_patient_name(clinic: Clinic, system_actor: Actor) -> None:
    invoice = make_invoice(clinic)
    make_invoice(clinic)
    found = list_invoices(actor=system_actor, query=invoice.patient.last_name)
    assert [i.pk for i in found] == [invoice.pk]


@pytest.mark.parametrize(
    ("kwarg", "selector"),
    [
        ("invoice_id", get_invoice_for),
        ("payment_id", get_payment_for),
        ("appointment_id", get_appointment_for),
        ("note_id", get_note_for),
    ],
)
def test_other_clinic_rows_are_not_found_and_audited(
    clinic: Clinic, other_clinic: Clinic, kwarg: str, selector: object
) -> None:
    # given a row of another clinic
    foreign_id = URL_KWARG_BUILDERS[kwarg](other_clinic)
    actor = system_actor_for(clinic)
    # when this clinic asks for it by id
    with pytest.raises(Http404):
        selector(actor=actor, **{kwarg: foreign_id})  # type: ignore[operator]
    # then it is a miss, recorded as denied
    assert (
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, outcome="denied", object_id=str(foreign_id)
        ).count()
        == 1
    )


def test_url_builders_make_rows_in_the_given_clinic(clinic: Clinic) -> None:
    actor = system_actor_for(clinic)
    assert (
        get_invoice_for(
            actor=actor, invoice_id=URL_KWARG_BUILDERS["invoice_id"](clinic)
        ).invoice.clinic_id
        == clinic.pk
    )
    assert (
        get_payment_for(
            actor=actor, payment_id=URL_KWARG_BUILDERS["payment_id"](clinic)
        ).payment.clinic_id
        == clinic.pk
    )
    assert AppointmentFactory._meta.model.objects.filter(
        pk=URL_KWARG_BUILDERS["appointment_id"](clinic), clinic=clinic
    ).exists()
    assert ClinicalNoteFactory._meta.model.objects.filter(
        pk=URL_KWARG_BUILDERS["note_id"](clinic), clinic=clinic
    ).exists()
