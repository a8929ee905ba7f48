"""Pages that move money after an invoice is issued: a payment's page and its
refund, credit notes from the invoice page, overpayment kept as credit, and
the balance card on the patient's page."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.models import CreditNote, Invoice, LedgerEntry, Refund
from practica.billing.selectors import account_credit, invoice_balance
from practica.billing.services import record_payment
from practica.billing.tests.factories import make_invoice, make_payment
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, PROVIDER
from practica.tenancy.tests.factories import system_actor_for

pytestmark = pytest.mark.django_db

MemberFactory = Callable[..., Membership]
ClientFor = Callable[[Membership], Client]


@pytest.fixture
def billing_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [BILLING]))


def test_payment_page_shows_where_the_money_is(
    clinic: Clinic, billing_client: Client
) -> None:
    # given 130.00 paid on a 100.00 invoice, the rest kept as credit
    invoice = make_invoice(clinic)
    payment = record_payment(
        actor=system_actor_for(clinic),
        invoice=invoice,
        method="cash",
        amount="130.00",
        allow_credit=True,
    )
    # when the payment's page is read
    response = billing_client.get(
        reverse("billing:payment-detail", kwargs={"payment_id": payment.pk})
    )
    # then it shows the invoice's share and the credit, and the view is audited
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Invoice #{invoice.number}" in page
    assert "data-unapplied>$30.00<" in page
    assert AuditEntry.objects.filter(
        action="view", object_id=str(payment.pk), outcome="allowed"
    ).exists()


def test_refund_above_what_is_left_is_refused_and_changes_nothing(
    clinic: Clinic, billing_client: Client
) -> None:
    payment = make_payment(clinic, amount=Decimal("40.00"))
    entries = LedgerEntry.objects.count()
    response = billing_client.post(
        reverse("billing:payment-refund", kwargs={"payment_id": payment.pk}),
        {"method": "cash", "amount": "40.01", "reason": "Overcharged"},
    )
    assert response.status_code == 422
    assert "more than the 40.00 left on this payment" in response.content.decode()
    assert (Refund.objects.count(), LedgerEntry.objects.count()) == (0, entries)


def test_refund_with_three_decimals_names_the_amount(
    clinic: Clinic, billing_client: Client
) -> None:
    payment = make_payment(clinic)
    response = billing_client.post(
        reverse("billing:payment-refund", kwargs={"payment_id": payment.pk}),
        {"method": "cash", "amount": "1.005", "reason": "x"},
    )
    assert response.status_code == 422
    assert Refund.objects.count() == 0


def test_refund_reopens_the_invoice_it_paid(
    clinic: Clinic, billing_client: Client
) -> None:
    # given an invoice of 100.00 paid 40.00
    payment = make_payment(clinic, amount=Decimal("40.00"))
    invoice = payment.invoice
    assert invoice is not None
    # when 15.00 is refunded in cash
    response = billing_client.post(
        reverse("billing:payment-refund", kwargs={"payment_id": payment.pk}),
        {"method": "cash", "amount": "15.00", "reason": "Overcharged"},
    )
    # then the refund is kept and the invoice owes the 15.00 again
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.method) == (Decimal("15.00"), "cash")
    actor = system_actor_for(clinic)
    assert invoice_balance(actor=actor, invoice=invoice) == Decimal("75.00")


def test_credit_note_on_a_paid_invoice_leaves_account_credit(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a paid 100.00 invoice
    invoice = make_invoice(clinic)
    actor = system_actor_for(clinic)
    record_payment(actor=actor, invoice=invoice, method="card", amount="100.00")
    line = invoice.lines.get()
    # when 20.00 of its line is credited
    response = billing_client.post(
        reverse("billing:credit-note-create", kwargs={"invoice_id": invoice.pk}),
        {"reason": "Shortened visit", "line": str(line.pk), "amount": "20.00"},
    )
    # then a numbered credit note exists and the 20.00 is account credit
    assert response.status_code == 302
    note = CreditNote.objects.get()
    assert (note.number, note.total) == (1, Decimal("20.00"))
    assert account_credit(actor=actor, patient=invoice.patient) == Decimal("20.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_credit_note_above_the_line_is_refused(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    line = invoice.lines.get()
    response = billing_client.post(
        reverse("billing:credit-note-create", kwargs={"invoice_id": invoice.pk}),
        {"reason": "Too much", "line": str(line.pk), "amount": "100.01"},
    )
    assert response.status_code == 422
    assert "at most 100.00 can still be credited" in response.content.decode()
    assert CreditNote.objects.count() == 0


def test_credit_note_needs_a_reason(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:credit-note-create", kwargs={"invoice_id": invoice.pk}),
        {"reason": ""},
    )
    assert response.status_code == 422
    assert CreditNote.objects.count() == 0


def test_overpayment_needs_the_credit_box(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    url = reverse("billing:payment-create", kwargs={"invoice_id": invoice.pk})
    refused = billing_client.post(url, {"method": "cash", "amount": "120.00"})
    assert refused.status_code == 422
    kept = billing_client.post(
        url, {"method": "cash", "amount": "120.00", "allow_credit": "on"}
    )
    assert kept.status_code == 302
    actor = system_actor_for(clinic)
    assert account_credit(actor=actor, patient=invoice.patient) == Decimal("20.00")


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
def test_balance_card_for_the_desk_and_billing(
    clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
    role: str,
) -> None:
    # given a patient owing 100.00
    invoice = make_invoice(clinic)
    client = client_for(member_factory(clinic, [role]))
    # when the balance card is loaded
    response = client.get(
        reverse("billing:patient-balance", kwargs={"patient_id": invoice.patient_id})
    )
    # then it shows what is owed; only billing gets the account link
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-patient-balance>$100.00<" in page
    assert ("Billing account" in page) == (role == BILLING)


def test_front_desk_and_provider_see_no_invoice(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    invoice = make_invoice(clinic)
    url = reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    for role in (FRONT_DESK, PROVIDER):
        client = client_for(member_factory(clinic, [role]))
        assert client.get(url).status_code == 403


def test_a_draft_opens_on_its_own_page(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    Invoice.objects.filter(pk=invoice.pk).update(status="draft", number=None)
    response = billing_client.get(
        reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == f"/billing/drafts/{invoice.pk}/"
