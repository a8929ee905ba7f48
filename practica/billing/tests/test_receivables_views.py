import datetime as dt
from decimal import Decimal

from django.urls import reverse

from practica.billing.models import CollectionStep, WriteOff
from practica.billing.selectors_ar import clinic_today
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_receivables import (
    make_collection_task,
    make_dated_invoice,
    make_write_off,
)
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING, OWNER, PROVIDER
from practica.tenancy.tests.factories import make_member, system_actor_for


def test_patient_account_shows_balance_and_open_invoices(
    clinic: Clinic, client_for
) -> None:
    invoice = make_invoice(clinic, price=Decimal("88.00"))
    client = client_for(make_member(clinic, [BILLING]))
    response = client.get(
        reverse("billing:patient-account", kwargs={"patient_id": invoice.patient_id})
    )
    assert response.status_code == 200
    assert response.context["account"].balance == Decimal("88.00")
    assert [i.pk for i in response.context["account"].open_invoices] == [invoice.pk]


def test_patient_account_of_another_clinic_is_not_found(
    clinic: Clinic, other_clinic: Clinic, client_for
) -> None:
    invoice = make_invoice(other_clinic)
    client = client_for(make_member(clinic, [BILLING]))
    response = client.get(
        reverse("billing:patient-account", kwargs={"patient_id": invoice.patient_id})
    )
    assert response.status_code == 404


def test_statement_page_and_pdf(clinic: Clinic, client_for) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    kwargs = {"patient_id": invoice.patient_id}
    page = client.get(reverse("billing:patient-statement", kwargs=kwargs))
    pdf = client.get(reverse("billing:patient-statement-pdf", kwargs=kwargs))
    assert page.status_code == 200
    assert page.context["statement"].closing == Decimal("100.00")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_statement_period_ending_before_it_starts_is_refused(
    clinic: Clinic, client_for
) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    response = client.get(
        reverse("billing:patient-statement", kwargs={"patient_id": invoice.patient_id}),
        {"start": "2026-05-10", "end": "2026-05-01"},
    )
    assert response.status_code == 422


def test_statement_is_refused_to_a_provider(clinic: Clinic, client_for) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [PROVIDER]))
    response = client.get(
        reverse("billing:patient-statement", kwargs={"patient_id": invoice.patient_id})
    )
    assert response.status_code == 403


def test_write_off_request_from_the_invoice_page(clinic: Clinic, client_for) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    response = client.post(
        reverse("billing:write-off-request", kwargs={"invoice_id": invoice.pk}),
        {"amount": "20.00", "reason": "Hardship"},
    )
    assert response.status_code == 302
    assert WriteOff.objects.get(invoice=invoice).amount == Decimal("20.00")


def test_write_off_above_the_balance_is_refused(clinic: Clinic, client_for) -> None:
    invoice = make_invoice(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    response = client.post(
        reverse("billing:write-off-request", kwargs={"invoice_id": invoice.pk}),
        {"amount": "100.01", "reason": "Hardship"},
    )
    assert response.status_code == 422
    assert not WriteOff.objects.filter(invoice=invoice).exists()


def test_a_clerk_cannot_reject_a_write_off(clinic: Clinic, client_for) -> None:
    write_off = make_write_off(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    response = client.post(
        reverse("billing:write-off-reject", kwargs={"write_off_id": write_off.pk}),
        {"note": "no"},
    )
    assert response.status_code == 403


def test_an_owner_rejects_a_write_off(clinic: Clinic, client_for) -> None:
    write_off = make_write_off(clinic)
    client = client_for(make_member(clinic, [OWNER]))
    response = client.post(
        reverse("billing:write-off-reject", kwargs={"write_off_id": write_off.pk}),
        {"note": "Patient can pay"},
    )
    write_off.refresh_from_db()
    assert response.status_code == 302
    assert write_off.status == "rejected"


def test_pending_write_offs_page(clinic: Clinic, client_for) -> None:
    write_off = make_write_off(clinic)
    client = client_for(make_member(clinic, [OWNER]))
    response = client.get(reverse("billing:write-off-list"))
    assert response.status_code == 200
    assert [w.pk for w in response.context["pending"]] == [write_off.pk]


def test_steps_page_saves_and_refuses_decreasing_days(
    clinic: Clinic, client_for
) -> None:
    client = client_for(make_member(clinic, [OWNER]))
    bad = client.post(
        reverse("billing:collection-steps-save"),
        {
            "days_1": "30",
            "action_1": "reminder_email",
            "days_2": "20",
            "action_2": "staff_task",
        },
    )
    good = client.post(
        reverse("billing:collection-steps-save"),
        {
            "days_1": "20",
            "action_1": "reminder_email",
            "days_2": "30",
            "action_2": "staff_task",
        },
    )
    assert bad.status_code == 422
    assert good.status_code == 302
    assert list(
        CollectionStep.objects.filter(clinic=clinic).values_list(
            "days_overdue", "action"
        )
    ) == [(20, "reminder_email"), (30, "staff_task")]


def test_steps_page_is_refused_to_a_clerk(clinic: Clinic, client_for) -> None:
    client = client_for(make_member(clinic, [BILLING]))
    assert client.get(reverse("billing:collection-steps")).status_code == 403


def test_recommended_steps_button(clinic: Clinic, client_for) -> None:
    client = client_for(make_member(clinic, [OWNER]))
    response = client.post(reverse("billing:collection-steps-recommended"))
    assert response.status_code == 302
    assert CollectionStep.objects.filter(clinic=clinic).count() == 4


def test_worklist_shows_and_completes_a_task(clinic: Clinic, client_for) -> None:
    task = make_collection_task(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    page = client.get(reverse("billing:collections-worklist"))
    done = client.post(
        reverse("billing:collection-task-done", kwargs={"task_id": task.pk}),
        {"is_done": "on"},
    )
    task.refresh_from_db()
    assert [t.pk for t in page.context["page"]] == [task.pk]
    assert done.status_code == 302
    assert task.outcome == "done"


def test_worklist_query_count_is_constant(
    clinic: Clinic, client_for, django_assert_num_queries
) -> None:
    make_collection_task(clinic)
    client = client_for(make_member(clinic, [BILLING]))
    client.get(reverse("billing:collections-worklist"))
    with django_assert_num_queries(8) as small:
        client.get(reverse("billing:collections-worklist"))
    today = clinic_today(system_actor_for(clinic))
    for days in (80, 81, 82):
        make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=days))
    from practica.billing.services_receivables import run_collections

    run_collections(actor=system_actor_for(clinic), today=today)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("billing:collections-worklist"))
