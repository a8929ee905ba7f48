from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.models import Invoice, LedgerEntry, Payment
from practica.billing.selectors import account_credit
from practica.billing.tests.factories import make_invoice, make_payment
from practica.charting.models import ClinicalNote
from practica.charting.tests.factories import ClinicalNoteFactory, SignedNoteFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, PROVIDER
from practica.tenancy.tests.factories import system_actor_for

MemberFactory = Callable[..., Membership]
ClientFor = Callable[[Membership], Client]


@pytest.fixture
def billing_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [BILLING]))


def _views(clinic: Clinic, object_type: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, action="view", object_type=object_type
        ).values_list("object_id", flat=True)
    )


def test_invoice_list_shows_numbers_totals_and_balances(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a paid-in-part invoice and an open one
    first = make_invoice(clinic)
    make_payment(clinic, invoice=first, amount=Decimal("30.00"))
    make_invoice(clinic, price=Decimal("1250.00"))
    # when the list is opened
    response = billing_client.get(reverse("billing:invoice-list"))
    # then both show with total and balance
    body = response.content.decode()
    assert response.status_code == 200
    assert "#1" in body
    assert "#2" in body
    assert "$70.00" in body
    assert "$1,250.00" in body
    assert "Partially paid" in body
    assert first.patient.full_name in body


def test_invoice_list_filters_by_status(clinic: Clinic, billing_client: Client) -> None:
    paid = make_invoice(clinic)
    make_payment(clinic, invoice=paid, amount=Decimal("100.00"))
    open_invoice = make_invoice(clinic)
    response = billing_client.get(reverse("billing:invoice-list"), {"status": "paid"})
    pages = list(response.context["page"])
    assert [i.pk for i in pages] == [paid.pk]
    response = billing_client.get(reverse("billing:invoice-list"), {"status": "open"})
    assert [i.pk for i in response.context["page"]] == [open_invoice.pk]


def test_invoice_list_ignores_unknown_status(
    clinic: Clinic, billing_client: Client
) -> None:
    make_invoice(clinic)
    response = billing_client.get(
        reverse("billing:invoice-list"), {"status": "' OR 1=1 --"}
    )
    assert response.status_code == 200
    assert len(response.context["page"]) == 1


def test_invoice_list_searches_number(clinic: Clinic, billing_client: Client) -> None:
    make_invoice(clinic)
    second = make_invoice(clinic)
    response = billing_client.get(reverse("billing:invoice-list"), {"q": "#2"})
    assert [i.pk for i in response.context["page"]] == [second.pk]


def test_invoice_list_shows_only_own_clinic(
    clinic: Clinic, other_clinic: Clinic, billing_client: Client
) -> None:
    make_invoice(other_clinic)
    response = billing_client.get(reverse("billing:invoice-list"))
    assert len(response.context["page"]) == 0


@pytest.mark.parametrize("count", [2, 10])
def test_invoice_list_query_count_is_constant(
    clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
    django_assert_num_queries: Callable[..., object],
    count: int,
) -> None:
    # given N invoices
    client = client_for(member_factory(clinic, [BILLING]))
    for _ in range(count):
        make_invoice(clinic)
    # when the list is opened, the queries do not depend on N:
    # session, user, membership + roles (middleware), paginator count, page,
    # and the session's activity stamp (savepoint, update, release)
    with django_assert_num_queries(QUERIES_LIST):  # type: ignore[operator]
        response = client.get(reverse("billing:invoice-list"))
    assert len(response.context["page"]) == count


QUERIES_LIST = 9


def test_invoice_detail_shows_lines_taxes_payments_and_audits_one_view(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a taxable invoice with a payment
    invoice = make_invoice(clinic, is_taxable=True)
    payment = make_payment(clinic, invoice=invoice, amount=Decimal("13.00"))
    # when it is opened
    response = billing_client.get(
        reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    )
    # then it shows the figures, a payment form defaulting to the balance
    body = response.content.decode()
    assert response.status_code == 200
    assert "HST 13%" in body
    assert "$113.00" in body
    assert "$100.00" in body
    assert reverse("billing:receipt-pdf", kwargs={"payment_id": payment.pk}) in body
    assert response.context["payment_form"].initial["amount"] == Decimal("100.00")
    assert response.context["detail"].balance == Decimal("100.00")
    # and exactly one view entry for the invoice
    assert _views(clinic, "billing.invoice") == [str(invoice.pk)]


def test_invoice_detail_query_count(
    clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    invoice = make_invoice(clinic, is_taxable=True)
    make_payment(clinic, invoice=invoice, amount=Decimal("1.00"))
    make_payment(clinic, invoice=invoice, amount=Decimal("2.00"))
    url = reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    # session, user, membership + roles; the draft check; invoice, lines, line
    # taxes, payments,
    # credit notes; the email panel (payment ids, payments, credit notes, sends);
    # the audit entry (savepoint, chain lock, insert, chain update, release);
    # the session's activity stamp (savepoint, update, release)
    with django_assert_num_queries(QUERIES_DETAIL):  # type: ignore[operator]
        client.get(url)


QUERIES_DETAIL = 22


@pytest.mark.parametrize(
    ("url_name", "kwarg"),
    [
        ("billing:invoice-list", None),
        ("billing:invoice-detail", "invoice_id"),
        ("billing:invoice-pdf", "invoice_id"),
        ("billing:receipt-pdf", "payment_id"),
    ],
)
def test_provider_cannot_open_billing_pages(
    clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
    url_name: str,
    kwarg: str | None,
) -> None:
    payment = make_payment(clinic)
    ids = {"invoice_id": payment.invoice_id, "payment_id": payment.pk}
    kwargs = {kwarg: ids[kwarg]} if kwarg else {}
    client = client_for(member_factory(clinic, [PROVIDER]))
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 403


def test_provider_cannot_post_a_payment(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    invoice = make_invoice(clinic)
    client = client_for(member_factory(clinic, [PROVIDER]))
    response = client.post(
        reverse("billing:payment-create", kwargs={"invoice_id": invoice.pk}),
        {"method": "cash", "amount": "10.00"},
    )
    assert response.status_code == 403
    assert Payment.objects.count() == 0


def test_invoice_of_other_clinic_is_404(
    clinic: Clinic, other_clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(other_clinic)
    response = billing_client.get(
        reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 404
    assert (
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, outcome="denied", object_id=str(invoice.pk)
        ).count()
        == 1
    )


def test_billing_clerk_invoices_an_appointment(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given a completed appointment
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    client = client_for(member_factory(clinic, [BILLING]))
    url = reverse(
        "billing:invoice-from-appointment", kwargs={"appointment_id": appointment.pk}
    )
    # when invoiced twice (a double click)
    first = client.post(url)
    second = client.post(url)
    # then both land on the one invoice
    invoice = Invoice.objects.get()
    detail_url = reverse("billing:invoice-detail", kwargs={"invoice_id": invoice.pk})
    assert (first.status_code, first["Location"]) == (302, detail_url)
    assert (second.status_code, second["Location"]) == (302, detail_url)


def test_cancelled_appointment_invoice_is_refused_with_422(
    clinic: Clinic, billing_client: Client
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.CANCELLED)
    response = billing_client.post(
        reverse(
            "billing:invoice-from-appointment",
            kwargs={"appointment_id": appointment.pk},
        )
    )
    assert response.status_code == 422
    assert "cannot be invoiced" in response.content.decode()
    assert Invoice.objects.count() == 0


def test_invoice_from_signed_note(clinic: Clinic, billing_client: Client) -> None:
    note = SignedNoteFactory(clinic=clinic)
    response = billing_client.post(
        reverse("billing:invoice-from-note", kwargs={"note_id": note.pk})
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert invoice.note_id == note.pk


def test_invoice_from_unsigned_note_is_refused(
    clinic: Clinic, billing_client: Client
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.BOOKED)
    note = ClinicalNoteFactory(
        clinic=clinic,
        appointment=appointment,
        status=ClinicalNote.Status.DRAFT,
        signed_at=None,
    )
    response = billing_client.post(
        reverse("billing:invoice-from-note", kwargs={"note_id": note.pk})
    )
    assert response.status_code == 422
    assert "Sign the note" in response.content.decode()


def test_get_on_a_post_only_url_is_refused(
    clinic: Clinic, billing_client: Client
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    response = billing_client.get(
        reverse(
            "billing:invoice-from-appointment",
            kwargs={"appointment_id": appointment.pk},
        )
    )
    assert response.status_code == 405
    assert Invoice.objects.count() == 0


def test_payment_is_recorded(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:payment-create", kwargs={"invoice_id": invoice.pk}),
        {"method": "etransfer", "amount": "100.00", "reference": "ET-778"},
    )
    invoice.refresh_from_db()
    assert response.status_code == 302
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get().reference == "ET-778"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100.01", "Amount: The amount is more than the balance of 100.00."),
        ("10.005", "Amount: Ensure that there are no more than 2 decimal places."),
        ("-1", "Amount: Ensure this value is greater than or equal to 0.01."),
        ("", "Amount: This field is required."),
    ],
)
def test_invalid_payment_rerenders_with_422_naming_the_field(
    clinic: Clinic, billing_client: Client, amount: str, message: str
) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:payment-create", kwargs={"invoice_id": invoice.pk}),
        {"method": "cash", "amount": amount},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Payment.objects.count() == 0
    assert LedgerEntry.objects.count() == 1


def test_payment_on_void_invoice_is_refused_with_422(
    clinic: Clinic, billing_client: Client
) -> None:
    invoice = make_invoice(clinic)
    billing_client.post(
        reverse("billing:invoice-void", kwargs={"invoice_id": invoice.pk}),
        {"reason": "Duplicate"},
    )
    response = billing_client.post(
        reverse("billing:payment-create", kwargs={"invoice_id": invoice.pk}),
        {"method": "cash", "amount": "5.00"},
    )
    assert response.status_code == 422
    assert "This invoice is void; it cannot be paid." in response.content.decode()
    assert Payment.objects.count() == 0


def test_void_with_reason(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:invoice-void", kwargs={"invoice_id": invoice.pk}),
        {"reason": "Billed the wrong patient"},
    )
    invoice.refresh_from_db()
    assert response.status_code == 302
    assert (invoice.status, invoice.void_reason) == ("void", "Billed the wrong patient")


def test_void_without_reason_is_422(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:invoice-void", kwargs={"invoice_id": invoice.pk}),
        {"reason": ""},
    )
    invoice.refresh_from_db()
    assert response.status_code == 422
    assert "Reason for voiding: This field is required." in response.content.decode()
    assert invoice.status == Invoice.Status.ISSUED


def test_void_of_paid_invoice_keeps_the_money_as_credit(
    clinic: Clinic, billing_client: Client
) -> None:
    payment = make_payment(clinic)
    response = billing_client.post(
        reverse("billing:invoice-void", kwargs={"invoice_id": payment.invoice_id}),
        {"reason": "Changed mind"},
    )
    assert response.status_code == 302
    assert Invoice.objects.get(pk=payment.invoice_id).status == Invoice.Status.VOID
    actor = system_actor_for(clinic)
    assert account_credit(actor=actor, patient=payment.patient) == Decimal("40.00")


def test_invoice_pdf(clinic: Clinic, billing_client: Client) -> None:
    invoice = make_invoice(clinic)
    response = billing_client.get(
        reverse("billing:invoice-pdf", kwargs={"invoice_id": invoice.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000
    assert _views(clinic, "billing.invoice") == [str(invoice.pk)]


def test_receipt_pdf(clinic: Clinic, billing_client: Client) -> None:
    payment = make_payment(clinic)
    response = billing_client.get(
        reverse("billing:receipt-pdf", kwargs={"payment_id": payment.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000
    assert _views(clinic, "billing.payment") == [str(payment.pk)]
    assert _views(clinic, "billing.invoice") == []
