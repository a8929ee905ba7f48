"""Payments, refunds, write-offs and the append-only ledger that carries them.

Every money movement is a `LedgerEntry` (positive: the patient owes more;
negative: the patient owes less). Balances are never stored:

- an invoice's balance is the sum of its entries;
- a patient's balance is the sum of all the patient's entries (what is owed
  less the account credit);
- the account credit is minus the sum of the patient's entries that name no
  invoice (money received and not applied to any invoice);
- a payment's unapplied part is minus the sum of its entries that name no
  invoice.

Applying money to an invoice, or taking it back to credit, is a pair of
ALLOCATION entries that sum to zero for the patient. See
`billing/services/ledger.py` for the one place entries are written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models

from practica.billing.models.invoices import CreditNote, Invoice
from practica.tenancy.models import TenantModel, TenantQuerySet


class Payment(TenantModel):
    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card (in person)"
        ETRANSFER = "etransfer", "E-transfer"
        CHEQUE = "cheque", "Cheque"
        CARD_ONLINE = "card_online", "Card online"
        GIFT_CARD = "gift_card", "Gift card"

    # Methods a person records by hand; the others arrive through their own
    # flows (Stripe's confirmation, a gift card's redemption).
    RECORDED_METHODS = (Method.CASH, Method.CARD, Method.ETRANSFER, Method.CHEQUE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="payments"
    )
    # The invoice the payment was first taken against, if any (receipts name
    # it). Where the money went is in the ledger: a payment can be spread over
    # several invoices and its remainder kept as account credit.
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    received_at = models.DateTimeField()
    reference = models.CharField(max_length=80, blank=True)
    # The card processor's id (a Stripe PaymentIntent): one payment per id.
    external_id = models.CharField(max_length=80, blank=True)
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
            ),
            models.UniqueConstraint(
                fields=["clinic", "external_id"],
                condition=~models.Q(external_id=""),
                name="payment_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "received_at"], name="payment_received_idx")
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk}"


class Refund(TenantModel):
    """Money given back from one payment: recorded (cash, cheque...) or sent to
    the card through the processor. Never more than the payment less its
    earlier refunds."""

    class Method(models.TextChoices):
        ORIGINAL = "original", "To the original card (online)"
        CASH = "cash", "Cash"
        CARD = "card", "Card terminal"
        ETRANSFER = "etransfer", "E-transfer"
        CHEQUE = "cheque", "Cheque"
        GIFT_CARD = "gift_card", "Back to the gift card"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=200)
    refunded_at = models.DateTimeField()
    external_id = models.CharField(max_length=80, blank=True)
    refunded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-refunded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="refund_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["clinic", "external_id"],
                condition=~models.Q(external_id=""),
                name="refund_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk}"


class WriteOff(TenantModel):
    """A request to stop collecting part of an invoice's balance. It moves
    money only once someone other than the requester approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="write_offs"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="write_off_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Write-off {self.pk}"


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
        ALLOCATION = "allocation", "Allocation"
        REFUND = "refund", "Refund"
        CREDIT_NOTE = "credit_note", "Credit note"
        WRITE_OFF = "write_off", "Write-off"
        VOID = "void", "Void"

    class Party(models.TextChoices):
        """Who owes the amount. Only the patient until insurance claims split
        a line's charge between an insurer and the patient."""

        PATIENT = "patient", "Patient"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    write_off = models.ForeignKey(
        WriteOff, on_delete=models.PROTECT, null=True, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    party = models.CharField(
        max_length=10, choices=Party.choices, default=Party.PATIENT
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    posted_at = models.DateTimeField()
    memo = models.CharField(max_length=200, blank=True)

    objects = LedgerEntryQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "patient"], name="ledger_patient_idx"),
            models.Index(fields=["invoice"], name="ledger_invoice_idx"),
            models.Index(fields=["payment"], name="ledger_payment_idx"),
            models.Index(fields=["clinic", "posted_at"], name="ledger_posted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(LEDGER_DELETE_MESSAGE)
