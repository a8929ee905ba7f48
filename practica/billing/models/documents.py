"""The send log of billing documents emailed to patients.

One row per attempt, sent or failed, so the invoice page can show who sent
what to which address and when. A failure keeps only the error's class name:
server replies can quote addresses or content, which do not belong in the log.
"""

from __future__ import annotations

import uuid

from django.db import models

from practica.tenancy.models import TenantModel


class BillingEmail(TenantModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        RECEIPT = "receipt", "Receipt"
        CREDIT_NOTE = "credit_note", "Credit note"
        STATEMENT = "statement", "Statement"
        SUPERBILL = "superbill", "Superbill"
        REMINDER = "reminder", "Payment reminder"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The invoice, payment, credit note or statement sent (its own table per
    # kind, so a plain id rather than a foreign key).
    document_id = models.CharField(max_length=64)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    # The address at the time of sending (the patient's may change later).
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices)
    error = models.CharField(max_length=80, blank=True)
    sent_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(
                fields=["clinic", "kind", "document_id"], name="billing_email_doc_idx"
            ),
            models.Index(
                fields=["clinic", "patient", "sent_at"],
                name="billing_email_patient_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", error="")
                | models.Q(status="failed") & ~models.Q(error=""),
                name="billing_email_failure_names_error",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk}"
