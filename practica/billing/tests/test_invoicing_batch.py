"""Invoicing a day's completed visits, and a patient's uninvoiced visits."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from practica.billing.models import Invoice, InvoiceLine
from practica.billing.services.drafts import DraftError, invoice_batch
from practica.billing.tests.factories_invoicing import completed_visit
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import MONDAY, local
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, PROVIDER

pytestmark = pytest.mark.django_db


def _day(clinic: Clinic) -> list[Appointment]:
    """Three patients: one with two visits, one with one, and one visit
    already invoiced; plus a booked visit and one on the next day."""
    first, second = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    visits = [
        completed_visit(clinic, patient=first, start_at=local(MONDAY, 9)),
        completed_visit(clinic, patient=first, start_at=local(MONDAY, 15)),
        completed_visit(clinic, patient=second, start_at=local(MONDAY, 11)),
    ]
    completed_visit(clinic, status="booked", start_at=local(MONDAY, 12))
    completed_visit(clinic, start_at=local(MONDAY + dt.timedelta(days=1), 0, 30))
    return visits


def test_one_invoice_per_patient_and_a_second_run_creates_nothing(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given the day's three visits of two patients
    visits = _day(clinic)
    # when the batch runs twice (a double click)
    first = invoice_batch(actor=system_actor, appointments=visits)
    second = invoice_batch(actor=system_actor, appointments=visits)
    # then two invoices, the first with two lines; the rerun skips all three
    assert sorted(i.lines.count() for i in first.created) == [1, 2]
    assert sorted(i.total for i in first.created) == [
        Decimal("100.00"),
        Decimal("200.00"),
    ]
    assert (first.summary, second.summary) == (
        "2 invoices created.",
        "0 invoices created, 3 skipped (already invoiced).",
    )
    assert Invoice.objects.count() == 2
    assert InvoiceLine.objects.count() == 3


def test_a_visit_invoiced_meanwhile_is_skipped_and_counted(
    clinic: Clinic, system_actor: Actor
) -> None:
    visits = _day(clinic)
    invoice_batch(actor=system_actor, appointments=visits[:1])
    result = invoice_batch(actor=system_actor, appointments=visits)
    assert result.summary == "2 invoices created, 1 skipped (already invoiced)."
    assert Invoice.objects.count() == 3


def test_a_provider_may_not_run_the_batch(
    clinic: Clinic, provider_actor: Actor
) -> None:
    with pytest.raises(DraftError, match="may not change invoices"):
        invoice_batch(actor=provider_actor, appointments=_day(clinic))
    assert Invoice.objects.count() == 0


def test_batch_page_groups_the_days_uninvoiced_visits_in_constant_queries(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    url = f"{reverse('billing:batch')}?date={MONDAY.isoformat()}"
    client.get(url)  # the session's first page
    visits = _day(clinic)
    invoice_batch(
        actor=Actor.system(clinic, frozenset({"billing.edit"})),
        appointments=visits[2:],
    )
    # session, user, membership + roles, locations, visits with their patients
    with django_assert_num_queries(6):  # type: ignore[operator]
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'name="appointments"') == 2
    assert response.content.count(b"data-batch-patient") == 1


def test_batch_post_reports_created_and_skipped(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    visits = _day(clinic)
    data = {"appointments": [str(v.pk) for v in visits], "date": "2031-03-03"}
    client.post(reverse("billing:batch-invoice"), data)
    response = client.post(reverse("billing:batch-invoice"), data, follow=True)
    assert response.redirect_chain == [
        (f"{reverse('billing:batch')}?date=2031-03-03", 302)
    ]
    assert b"0 invoices created, 3 skipped (already invoiced)." in response.content


@pytest.mark.parametrize(
    ("data", "status"),
    [({}, 303), ({"appointments": ["not-a-uuid"]}, 303)],
)
def test_batch_post_without_valid_visits_changes_nothing(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    data: dict[str, object],
    status: int,
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    response = client.post(reverse("billing:batch-invoice"), data)
    assert response.status_code == status
    assert Invoice.objects.count() == 0


def test_another_clinics_visits_are_ignored_by_the_batch(
    clinic: Clinic,
    other_clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    foreign = completed_visit(other_clinic)
    client = client_for(member_factory(clinic, [BILLING]))
    client.post(reverse("billing:batch-invoice"), {"appointments": [str(foreign.pk)]})
    assert Invoice.objects.count() == 0


def test_uninvoiced_page_invoices_the_ticked_visits_in_one_click(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given a patient with two completed visits
    patient = PatientFactory(clinic=clinic)
    visits = [completed_visit(clinic, patient=patient) for _ in range(2)]
    client = client_for(member_factory(clinic, [BILLING]))
    url = reverse("billing:uninvoiced-visits", kwargs={"patient_id": patient.pk})
    page = client.get(url)
    assert page.content.count(b'name="appointments"') == 2
    # when both are ticked
    response = client.post(
        reverse("billing:uninvoiced-invoice", kwargs={"patient_id": patient.pk}),
        {"appointments": [str(v.pk) for v in visits], "mode": "issue"},
    )
    # then one issued invoice with two lines, and nothing left to invoice
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse(
        "billing:invoice-detail", kwargs={"invoice_id": invoice.pk}
    )
    assert (invoice.status, invoice.lines.count()) == ("issued", 2)
    assert client.get(url).content.count(b'name="appointments"') == 0


def test_uninvoiced_page_can_leave_a_draft(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    patient = PatientFactory(clinic=clinic)
    visit = completed_visit(clinic, patient=patient)
    response = client_for(member_factory(clinic, [BILLING])).post(
        reverse("billing:uninvoiced-invoice", kwargs={"patient_id": patient.pk}),
        {"appointments": [str(visit.pk)], "mode": "draft"},
    )
    draft = Invoice.objects.get()
    assert response["Location"] == reverse(
        "billing:draft-detail", kwargs={"draft_id": draft.pk}
    )
    assert draft.status == "draft"


def test_uninvoiced_post_with_nothing_ticked_is_refused(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    patient = PatientFactory(clinic=clinic)
    response = client_for(member_factory(clinic, [BILLING])).post(
        reverse("billing:uninvoiced-invoice", kwargs={"patient_id": patient.pk}),
        {"mode": "issue"},
    )
    assert response.status_code == 422
    assert b"Tick at least one visit." in response.content


def test_a_provider_cannot_open_the_uninvoiced_page(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    patient = PatientFactory(clinic=clinic)
    response = client_for(member_factory(clinic, [PROVIDER])).get(
        reverse("billing:uninvoiced-visits", kwargs={"patient_id": patient.pk})
    )
    assert response.status_code == 403
