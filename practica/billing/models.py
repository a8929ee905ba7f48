"""Invoices, payments and the append-only ledger.

Every money movement is a `LedgerEntry` (positive: the patient owes more;
negative: the patient owes less). An invoice's balance is its ledger sum, so
invoices, payments and balances reconcile by construction. Numbers come from
`InvoiceCounter`, locked per clinic, so they run without gaps or repeats.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models

from practica.tenancy.models import Location, TenantModel, TenantQuerySet


class InvoiceCounter(TenantModel):
    last_number = models.PositiveIntegerField(default=0)

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
        ISSUED = "issued", "Issued"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    class Kind(models.TextChoices):
        """What is billed: the visit's service, or a policy fee for a missed one."""

        SERVICE = "service", "Service"
        LATE_CANCEL_FEE = "late_cancel_fee", "Late cancellation fee"
        NO_SHOW_FEE = "no_show_fee", "No-show fee"

    FEE_KINDS = (Kind.LATE_CANCEL_FEE, Kind.NO_SHOW_FEE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField()
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="invoices"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
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
    issued_on = models.DateField()
    currency = models.CharField(max_length=3, default="CAD")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
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
            )
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"


class InvoiceLine(TenantModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(max_length=200)
    service_code = models.CharField(max_length=20, blank=True)
    quantity = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
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
        ]

    def __str__(self) -> str:
        return self.description


class Payment(TenantModel):
    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card (in person)"
        ETRANSFER = "etransfer", "E-transfer"
        CHEQUE = "cheque", "Cheque"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="payments"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    received_at = models.DateTimeField()
    reference = models.CharField(max_length=80, blank=True)
    received_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk}"


LEDGER_DELETE_MESSAGE = "Ledger entries are append-only; post a reversing entry."


class LedgerEntryQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        # PostgreSQL's trigger refuses this too; SQLite's leaves DELETE open for
        # the test runner's flush, so the ORM path is closed here.
        raise IntegrityError(LEDGER_DELETE_MESSAGE)


class LedgerEntry(TenantModel):
    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        PAYMENT = "payment", "Payment"
        VOID = "void", "Void"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    posted_at = models.DateTimeField()
    memo = models.CharField(max_length=200, blank=True)

    objects = LedgerEntryQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "patient"], name="ledger_patient_idx"),
            models.Index(fields=["invoice"], name="ledger_invoice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(LEDGER_DELETE_MESSAGE)


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


class ProcedureCode(TenantModel):
    """A billable service code from a list the clinic loaded itself.

    Practica ships no procedure codes: CPT is the AMA's and licensed, HCPCS and
    provincial fee codes belong to each clinic's fee schedule. A code is never
    deleted (invoices and claims may name it); a reload that leaves it out
    marks it inactive. The format of `code` per system is checked when a file
    is loaded (`billing.code_files`).
    """

    class System(models.TextChoices):
        CPT = "cpt", "CPT"
        HCPCS = "hcpcs", "HCPCS Level II"
        LOCAL = "local", "Provincial or local fee code"

    system = models.CharField(max_length=8, choices=System.choices)
    code = models.CharField(max_length=20)
    short_description = models.CharField(max_length=200)
    long_description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "system", "code"], name="procedure_code_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="procedure_code_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(short_description=""),
                name="procedure_code_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.short_description}"

    @property
    def label(self) -> str:
        return f"{self.code} {self.short_description}"


class ProcedureCodeLoad(TenantModel):
    """One load of a code file: what it did, by whom. Row contents are not
    kept here; the codes themselves carry the file name and time."""

    system = models.CharField(max_length=8, choices=ProcedureCode.System.choices)
    file_name = models.CharField(max_length=255, blank=True)
    is_replace = models.BooleanField(default=False)
    rows = models.PositiveIntegerField()
    added = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    deactivated = models.PositiveIntegerField()
    loaded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "created_at"], name="code_load_clinic_idx")
        ]

    def __str__(self) -> str:
        return f"{self.system} load {self.created_at:%Y-%m-%d}"
