"""The draft editor's pages: full page, htmx partials, refusals, access."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.models import Invoice, InvoiceLine
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_invoicing import (
    CatalogItemFactory,
    make_draft,
    make_draft_line,
)
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, PROVIDER

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clerk(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> Client:
    return client_for(member_factory(clinic, [BILLING]))


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"billing:{name}", kwargs=kwargs)


def test_draft_page_shows_lines_and_is_audited(clinic: Clinic, clerk: Client) -> None:
    line = make_draft_line(clinic)
    response = clerk.get(_url("draft-detail", draft_id=line.invoice_id))
    assert response.status_code == 200
    assert b"Report for an insurer" in response.content
    assert b"Issue invoice" in response.content
    assert AuditEntry.objects.filter(
        action="view", object_id=str(line.invoice_id)
    ).exists()


def test_htmx_add_line_answers_the_lines_partial_with_new_totals(
    clinic: Clinic, clerk: Client
) -> None:
    draft = make_draft(clinic)
    roller = CatalogItemFactory(clinic=clinic, name="Foam roller")
    response = clerk.post(
        _url("draft-add-item", draft_id=draft.pk),
        {"item": roller.pk, "quantity": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(
        b'<section class="card" id="draft-lines"'
    )
    assert b"Foam roller" in response.content
    assert b"$22.60" in response.content  # 20.00 + HST 2.60
    assert "HX-Request" in response["Vary"]


def test_full_page_add_line_redirects_to_the_draft(
    clinic: Clinic, clerk: Client
) -> None:
    draft = make_draft(clinic)
    response = clerk.post(
        _url("draft-add-custom", draft_id=draft.pk),
        {
            "description": "Report",
            "unit_price": "40.00",
            "quantity": "1",
            "tax_category": "health_service",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url("draft-detail", draft_id=draft.pk)
    draft.refresh_from_db()
    assert draft.total == Decimal("40.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit_price": "40.005"}, b"decimal places"),
        ({"quantity": "-2"}, b"greater than or equal to 0.01"),
        ({"description": ""}, b"required"),
    ],
)
def test_bad_lines_answer_422_and_change_nothing(
    clinic: Clinic, clerk: Client, data: dict[str, str], message: bytes
) -> None:
    draft = make_draft(clinic)
    values = {
        "description": "Report",
        "unit_price": "40.00",
        "quantity": "1",
        "tax_category": "health_service",
        **data,
    }
    response = clerk.post(_url("draft-add-custom", draft_id=draft.pk), values, **HTMX)
    assert response.status_code == 422
    assert message in response.content
    assert InvoiceLine.objects.count() == 0


def test_a_discount_above_the_line_is_refused_with_its_message(
    clinic: Clinic, clerk: Client
) -> None:
    line = make_draft_line(clinic, unit_price=Decimal("50.00"))
    response = clerk.post(
        _url("draft-line-discount", line_id=line.pk),
        {"kind": "amount", "value": "60.00"},
        **HTMX,
    )
    assert response.status_code == 422
    assert b"The discount is more than the line." in response.content
    line.refresh_from_db()
    assert line.discount_amount == Decimal("0.00")


def test_remove_and_discount_through_htmx(clinic: Clinic, clerk: Client) -> None:
    line = make_draft_line(clinic, unit_price=Decimal("50.00"))
    discounted = clerk.post(
        _url("draft-line-discount", line_id=line.pk),
        {"kind": "percent", "value": "10", "name": "Senior"},
        **HTMX,
    )
    assert b"$45.00" in discounted.content
    removed = clerk.post(_url("draft-line-remove", line_id=line.pk), **HTMX)
    assert removed.status_code == 200
    assert b"No lines yet." in removed.content


def test_issue_and_delete(clinic: Clinic, clerk: Client) -> None:
    line = make_draft_line(clinic)
    issued = clerk.post(_url("draft-issue", draft_id=line.invoice_id))
    assert issued["Location"] == _url("invoice-detail", invoice_id=line.invoice_id)
    empty = make_draft(clinic)
    deleted = clerk.post(_url("draft-delete", draft_id=empty.pk))
    assert deleted.status_code == 302
    assert list(Invoice.objects.values_list("status", flat=True)) == ["issued"]


def test_issuing_an_empty_draft_answers_422(clinic: Clinic, clerk: Client) -> None:
    draft = make_draft(clinic)
    response = clerk.post(_url("draft-issue", draft_id=draft.pk))
    assert response.status_code == 422
    assert b"Add a line before issuing." in response.content


def test_an_issued_invoice_is_not_a_draft_page(clinic: Clinic, clerk: Client) -> None:
    invoice = make_invoice(clinic)
    assert clerk.get(_url("draft-detail", draft_id=invoice.pk)).status_code == 404
    response = clerk.post(
        _url("draft-line-remove", line_id=invoice.lines.get().pk), **HTMX
    )
    assert response.status_code == 422
    assert b"Only a draft can be changed" in response.content
    assert invoice.lines.count() == 1


def test_a_draft_is_started_from_the_patients_page(
    clinic: Clinic, clerk: Client
) -> None:
    patient = PatientFactory(clinic=clinic)
    make_draft(clinic)  # makes the main location
    location = Invoice.objects.get().location
    response = clerk.post(
        _url("draft-create", patient_id=patient.pk), {"location": location.pk}
    )
    draft = Invoice.objects.get(patient=patient)
    assert response["Location"] == _url("draft-detail", draft_id=draft.pk)


def test_a_provider_may_not_edit_drafts(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    draft = make_draft(clinic)
    client = client_for(member_factory(clinic, [PROVIDER]))
    assert client.get(_url("draft-detail", draft_id=draft.pk)).status_code == 403
    assert client.post(_url("draft-issue", draft_id=draft.pk)).status_code == 403


def test_another_clinics_draft_is_not_found(
    other_clinic: Clinic, clerk: Client
) -> None:
    draft = make_draft(other_clinic)
    assert clerk.get(_url("draft-detail", draft_id=draft.pk)).status_code == 404
    assert clerk.post(_url("draft-issue", draft_id=draft.pk)).status_code == 404
