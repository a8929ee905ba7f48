"""Invoices, their lines and taxes, and credit notes.

An invoice starts as a draft (no number, no ledger entry, lines editable).
Issuing it takes the next number from `InvoiceCounter`, locked per clinic, so
numbers run without gaps or repeats, and posts its total to the ledger. After
that it never changes except its status; a correction is a credit note, a
cancellation a void (the row and its number are kept).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models

from practica.tenancy.models import Location, TenantModel


class InvoiceCounter(TenantModel):
    """Gap-free numbers per clinic: invoices and credit notes each have their own
    series. The row is locked while a number is taken (`billing.locks`)."""

    last_number = models.PositiveIntegerField(default=0)
    last_credit_note_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], name="invoice_counter_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic_id}: {self.last_number}"


class Invoice(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    class Kind(models.TextChoices):
        """What is billed: visits and items, or a policy fee for a missed visit."""

        SERVICE = "service", "Service"
        LATE_CANCEL_FEE = "late_cancel_fee", "Late cancellation fee"
        NO_SHOW_FEE = "no_show_fee", "No-show fee"

    FEE_KINDS = (Kind.LATE_CANCEL_FEE, Kind.NO_SHOW_FEE)
    OPEN_STATUSES = (Status.ISSUED, Status.PARTIALLY_PAID)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None while a draft: a number is taken only when the invoice is issued.
    number = models.PositiveIntegerField(null=True, blank=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="invoices"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    # The visit a single-visit invoice (or a policy fee) is for; lines carry
    # their own appointment, so one invoice can bill several visits.
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    note = models.ForeignKey(
        "charting.ClinicalNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ISSUED
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="CAD")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount_total = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0")
    )
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # Printed on the invoice (e.g. "Thank you"); never clinical detail.
    memo = models.CharField(max_length=300, blank=True)
    issued_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.CharField(max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "number"], name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="invoice_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="invoice_issued_has_number",
            ),
            # One live fee of each kind per appointment (charging is idempotent).
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=models.Q(
                    kind__in=["late_cancel_fee", "no_show_fee"],
                    appointment__isnull=False,
                )
                & ~models.Q(status="void"),
                name="invoice_one_live_fee_per_appointment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "issued_on"], name="invoice_patient_idx"
            ),
            models.Index(
                fields=["clinic", "status", "issued_on"], name="invoice_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}" if self.number else "Draft invoice"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class InvoiceLine(TenantModel):
    """One billed thing. `amount` = quantity x unit_price - discount_amount;
    taxes are on `amount`; `line_total` = amount + tax_amount.

    A line will later be split between an insurer and the patient: the split
    is posted as ledger entries with a `party` (see `LedgerEntry`), so the line
    itself keeps what was charged and never changes once issued.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        "billing.CatalogItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    note = models.ForeignKey(
        "charting.ClinicalNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who gave the service: revenue per provider reads it.
    provider = models.ForeignKey(
        "scheduling.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(max_length=200)
    service_code = models.CharField(max_length=20, blank=True)
    quantity = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    discount_name = models.CharField(max_length=80, blank=True)
    discount_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0")
    )
    tax_category = models.CharField(max_length=20, blank=True)
    tax_name = models.CharField(max_length=20, blank=True)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, default=Decimal("0"))
    tax_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0")
    )
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_amount__gte=0),
                name="line_discount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(line_total__gte=0), name="line_total_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["appointment"], name="line_appointment_idx"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return self.line_total - self.tax_amount


class InvoiceLineTax(TenantModel):
    """One tax component of one line (BC and QC lines carry two), so receipts
    can show GST and PST separately as charged, whatever the rates are later."""

    line = models.ForeignKey(
        InvoiceLine, on_delete=models.PROTECT, related_name="taxes"
    )
    name = models.CharField(max_length=10)
    rate = models.DecimalField(max_digits=6, decimal_places=5)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="line_tax_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.rate}"


class CreditNote(TenantModel):
    """A correction of an issued invoice: it lowers what the invoice asks for,
    taxes included, line by line. Numbered from its own gap-free series. What
    the invoice no longer owes but was already paid becomes account credit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField()
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField()
    reason = models.CharField(max_length=200)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    issued_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "number"], name="credit_note_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gt=0), name="credit_note_total_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Credit note {self.number}"


class CreditNoteLine(TenantModel):
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, related_name="lines"
    )
    invoice_line = models.ForeignKey(
        InvoiceLine, on_delete=models.PROTECT, related_name="credits"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) & models.Q(tax_amount__gte=0),
                name="credit_line_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount}"
