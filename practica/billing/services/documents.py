"""Emailing billing documents (invoices, receipts, credit notes, statements,
superbills) to the patient, with a row in the send log for every attempt.

The message goes out before the row is written, outside any transaction, so
no lock is held while the mail server answers. A refusal by the server or the
network is not an exception for the caller: it is a FAILED row naming only
the error class, and the caller shows `failure_message`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.models import BillingEmail
from practica.core.mail import Attachment, MailError, send_message
from practica.patients.models import Patient
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200


class DocumentEmailError(BillingError):
    """The document cannot be emailed (no address, bad subject...)."""


def failure_message(email: BillingEmail) -> str:
    """What staff read when a send failed (no address or content in it)."""
    return (
        "The email was not sent: the mail server could not be reached or "
        f"refused it ({email.error}). Try again later or check the address."
    )


def send_billing_document(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    document_id: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None,
) -> BillingEmail:
    """Email one document to the patient's address and log the attempt.

    Refuses (DocumentEmailError, nothing written) a patient of another clinic,
    a patient with no email address, an unknown kind, or an empty or too long
    subject. Returns the log row: status SENT, or FAILED with the error class
    when the mail server or the network refused the message.
    """
    if patient.clinic_id != actor.clinic.pk:
        raise DocumentEmailError("The patient is not in this clinic.", field="patient")
    if kind not in BillingEmail.Kind.values:
        raise DocumentEmailError("Choose a known document kind.", field="kind")
    recipient = (patient.email or "").strip()
    if not recipient:
        raise DocumentEmailError(
            "The patient has no email address: add one to their record first.",
            field="email",
        )
    subject = subject.strip()
    if not subject or len(subject) > SUBJECT_MAX:
        raise DocumentEmailError(
            f"The subject must have 1 to {SUBJECT_MAX} characters.", field="subject"
        )
    attachments = (
        [Attachment(filename=attachment[0], content=attachment[1])]
        if attachment is not None
        else []
    )
    status, error = BillingEmail.Status.SENT, ""
    try:
        send_message(to=recipient, subject=subject, body=body, attachments=attachments)
    except MailError as failure:
        status, error = BillingEmail.Status.FAILED, failure.error_class[:80]
    with transaction.atomic():
        email = BillingEmail.objects.create(
            clinic=actor.clinic,
            kind=kind,
            document_id=str(document_id)[:64],
            patient=patient,
            recipient=recipient,
            subject=subject,
            sent_at=timezone.now(),
            status=status,
            error=error,
            sent_by=actor.user,
        )
        record_change(
            actor=actor,
            action="email_sent"
            if status == BillingEmail.Status.SENT
            else "email_failed",
            obj=email,
            patient_id=patient.pk,
            detail=f"{kind} {document_id}"[:200],
        )
    if status == BillingEmail.Status.SENT:
        logger.info("billing.document_emailed", extra={"billing_email_id": email.pk})
    else:
        logger.warning(
            "billing.document_email_failed",
            extra={"billing_email_id": email.pk, "error_class": error},
        )
    return email
