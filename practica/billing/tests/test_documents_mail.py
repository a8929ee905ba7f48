"""Emailing billing documents through a real SMTP server on loopback."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import override_settings

from practica.audit.models import AuditEntry
from practica.billing.models import BillingEmail
from practica.billing.services.documents import (
    DocumentEmailError,
    failure_message,
    send_billing_document,
)
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

PDF = b"%PDF-1.7 synthetic document"


@dataclass
class Inbox:
    """What the loopback server received: (envelope recipients, message)."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802  # aiosmtpd's handler hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(content))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            DEFAULT_FROM_EMAIL="Clinic A <billing@clinic-a.test>",
        ):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_down() -> Iterator[None]:
    """SMTP settings pointing at a loopback port nobody listens on."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_free_port(),
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    ):
        yield


def test_a_document_reaches_the_smtp_server_with_its_pdf(
    smtp_inbox: Inbox, clinic: Clinic, owner_actor: Actor
) -> None:
    # given a patient with an address
    patient = PatientFactory(clinic=clinic, email="pat@example.test")
    # when an invoice is emailed
    row = send_billing_document(
        actor=owner_actor,
        patient=patient,
        kind=BillingEmail.Kind.INVOICE,
        document_id="doc-1",
        subject="Invoice #7 from Clinic A",
        body="Please find your invoice attached.",
        attachment=("invoice-7.pdf", PDF),
    )
    # then the server got one message to that address, with the PDF attached
    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["pat@example.test"]
    assert message["Subject"] == "Invoice #7 from Clinic A"
    assert message["From"] == "Clinic A <billing@clinic-a.test>"
    parts = [p for p in message.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["invoice-7.pdf"]
    assert parts[0].get_content_type() == "application/pdf"
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload.startswith(b"%PDF")
    # and the send is logged and audited
    assert row.status == BillingEmail.Status.SENT
    assert row.error == ""
    assert row.recipient == "pat@example.test"
    assert row.kind == "invoice"
    assert row.document_id == "doc-1"
    assert row.sent_by == owner_actor.user
    entry = AuditEntry.objects.get(action="email_sent")
    assert entry.patient_id == patient.pk
    assert entry.object_id == str(row.pk)
    assert entry.detail == "invoice doc-1"


def test_smtp_down_leaves_a_failed_row_and_a_clear_message(
    smtp_down: None, clinic: Clinic, owner_actor: Actor
) -> None:
    # given no mail server listening
    patient = PatientFactory(clinic=clinic, email="pat@example.test")
    # when a receipt is emailed
    row = send_billing_document(
        actor=owner_actor,
        patient=patient,
        kind=BillingEmail.Kind.RECEIPT,
        document_id="pay-1",
        subject="Receipt",
        body="Thank you.",
        attachment=("receipt.pdf", PDF),
    )
    # then a failed row names the error class only, and the message says so
    assert row.status == BillingEmail.Status.FAILED
    assert row.error == "ConnectionRefusedError"
    assert BillingEmail.objects.count() == 1
    assert failure_message(row) == (
        "The email was not sent: the mail server could not be reached or refused "
        "it (ConnectionRefusedError). Try again later or check the address."
    )
    assert AuditEntry.objects.filter(action="email_failed").count() == 1


def test_a_patient_without_an_address_is_refused_and_nothing_is_written(
    smtp_inbox: Inbox, clinic: Clinic, owner_actor: Actor
) -> None:
    # given a patient with no email address
    patient = PatientFactory(clinic=clinic, email="")
    # when a document is emailed, then it is refused
    with pytest.raises(DocumentEmailError) as refused:
        send_billing_document(
            actor=owner_actor,
            patient=patient,
            kind=BillingEmail.Kind.INVOICE,
            document_id="doc-1",
            subject="Invoice",
            body="",
            attachment=None,
        )
    assert refused.value.message == (
        "The patient has no email address: add one to their record first."
    )
    assert refused.value.field == "email"
    assert smtp_inbox.messages == []
    assert BillingEmail.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="email_").exists()


@pytest.mark.parametrize(
    ("kind", "subject", "field_name"),
    [
        ("invoice", "", "subject"),
        ("invoice", "x" * 201, "subject"),
        ("memo", "S", "kind"),
    ],
)
def test_bad_kind_or_subject_is_refused(
    smtp_inbox: Inbox,
    clinic: Clinic,
    owner_actor: Actor,
    kind: str,
    subject: str,
    field_name: str,
) -> None:
    patient = PatientFactory(clinic=clinic)
    with pytest.raises(DocumentEmailError) as refused:
        send_billing_document(
            actor=owner_actor,
            patient=patient,
            kind=kind,
            document_id="d",
            subject=subject,
            body="",
            attachment=None,
        )
    assert refused.value.field == field_name
    assert smtp_inbox.messages == []
    assert BillingEmail.objects.count() == 0


def test_another_clinics_patient_is_refused(
    smtp_inbox: Inbox, clinic: Clinic, other_clinic: Clinic, owner_actor: Actor
) -> None:
    patient = PatientFactory(clinic=other_clinic)
    with pytest.raises(DocumentEmailError) as refused:
        send_billing_document(
            actor=owner_actor,
            patient=patient,
            kind="invoice",
            document_id="d",
            subject="S",
            body="",
            attachment=None,
        )
    assert refused.value.field == "patient"
    assert smtp_inbox.messages == []
    assert BillingEmail.objects.count() == 0
