"""The clinic's billing details: the sales tax registration number, set by
an owner or administrator, audited, printed on invoices."""

from collections.abc import Callable

import pytest
from django.test import Client

from practica.audit.models import AuditEntry
from practica.billing.pdf import render_invoice_html
from practica.billing.selectors_documents import get_invoice_document
from practica.billing.tests.factories import make_invoice
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, OWNER
from practica.tenancy.tests.factories import system_actor_for

pytestmark = pytest.mark.django_db

URL = "/clinic/settings/billing/"


def test_owner_sets_the_number_and_invoices_print_it(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given an owner and an invoice
    client = client_for(member_factory(clinic, [OWNER]))
    invoice = make_invoice(clinic)
    # when the owner saves a GST/HST number (extra spaces are tidied)
    response = client.post(URL, {"tax_registration_number": " 123456789  RT0001 "})
    # then it is kept, audited and printed on the invoice
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.tax_registration_number == "123456789 RT0001"
    assert AuditEntry.objects.filter(
        action="update", detail="tax registration number=123456789 RT0001"
    ).exists()
    document = get_invoice_document(
        actor=system_actor_for(clinic), invoice_id=invoice.pk
    )
    assert "123456789 RT0001" in render_invoice_html(document)


def test_a_number_with_other_characters_is_refused(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, [OWNER]))
    response = client.post(URL, {"tax_registration_number": "123<script>"})
    assert response.status_code == 422
    assert "letters, digits, spaces and hyphens" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.tax_registration_number == ""


def test_billing_clerk_may_not_change_it(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    response = client.post(URL, {"tax_registration_number": "1"})
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.tax_registration_number == ""
