"""Patient documents. The file itself is kept only as AES-256-GCM ciphertext
in the row (`ciphertext`), bound to the document id and clinic; see
`encryption.py` and docs/adr/0001-documents-encrypted-in-the-database.md.

A document is never deleted: a wrong upload is marked entered in error, with
a reason, and stays in the chart's history.
"""

from __future__ import annotations

import uuid

from django.db import models

from practica.tenancy.models import TenantModel


class Document(TenantModel):
    class Category(models.TextChoices):
        REFERRAL = "referral", "Referral"
        IMAGING = "imaging", "Imaging"
        LAB_REPORT = "lab_report", "Lab report"
        CONSENT = "consent", "Consent"
        INSURANCE = "insurance", "Insurance"
        CORRESPONDENCE = "correspondence", "Correspondence"
        OTHER = "other", "Other"

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="documents"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    # Sniffed from the bytes, never taken from the name or the browser.
    content_type = models.CharField(max_length=40, choices=ContentType.choices)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the plaintext, hex
    uploaded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    key_id = models.CharField(max_length=32)
    nonce = models.BinaryField(max_length=12)
    ciphertext = models.BinaryField()
    # Text of a PDF's pages, kept for search within the chart.
    extracted_text = models.TextField(blank=True)
    is_entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.CharField(max_length=500, blank=True)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "created_at"],
                name="document_patient_idx",
            ),
            models.Index(fields=["key_id"], name="document_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_entered_in_error=False)
                | ~models.Q(entered_in_error_reason=""),
                name="document_error_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Document {self.pk}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == self.ContentType.PDF
