"""Online card payments through Stripe: customers, saved cards, attempts and
the webhook events received.

The money itself is a `Payment` (method card_online, external_id = the
PaymentIntent id) and its `Refund`s, recorded through the payment services:
these rows only remember what was asked of Stripe and what it answered, so a
replayed or out-of-order webhook can be recognised and change nothing.
"""

from __future__ import annotations

import uuid

from django.db import models

from practica.billing.models.invoices import Invoice
from practica.billing.models.ledger import Payment
from practica.core.models import TimeStampedModel
from practica.tenancy.models import TenantModel


class StripeCustomer(TenantModel):
    """The Stripe customer of one patient (it holds no name, only our ids)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    customer_id = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "patient"], name="stripe_customer_per_patient"
            ),
            models.UniqueConstraint(
                fields=["clinic", "customer_id"], name="stripe_customer_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.customer_id


class SavedCard(TenantModel):
    """A card kept on file with the patient's recorded consent. Removing it
    keeps the row (and its consent) and stops it being offered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        StripeCustomer, on_delete=models.PROTECT, related_name="cards"
    )
    payment_method_id = models.CharField(max_length=80)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    consent_text = models.CharField(max_length=500)
    consented_at = models.DateTimeField()
    consent_recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "payment_method_id"], name="saved_card_pm_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} ending {self.last4}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class OnlinePaymentAttempt(TenantModel):
    """One thing asked of Stripe: a Checkout Session (pay an invoice, or save
    a card) or an off-session charge of a saved card. Its id is in the
    idempotency key and in the metadata Stripe sends back."""

    class Purpose(models.TextChoices):
        PAY = "pay", "Pay an invoice"
        SAVE_CARD = "save_card", "Save a card"

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        OPEN = "open", "Waiting for the patient"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        CHECKOUT = "checkout", "Stripe Checkout"
        CARD_ON_FILE = "card_on_file", "Card on file"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_attempts",
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CREATED
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, default="CAD")
    # Consent to keep the card, recorded before Stripe is asked (save_card,
    # or a payment that also saves the card).
    save_card = models.BooleanField(default=False)
    consent_text = models.CharField(max_length=500, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    card = models.ForeignKey(
        SavedCard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
    )
    session_id = models.CharField(max_length=120, blank=True)
    session_url = models.CharField(max_length=500, blank=True)
    payment_intent_id = models.CharField(max_length=80, blank=True)
    setup_intent_id = models.CharField(max_length=80, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    failure_message = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session_id"],
                condition=~models.Q(session_id=""),
                name="online_attempt_session_unique",
            ),
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~models.Q(payment_intent_id=""),
                name="online_attempt_intent_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="online_attempt_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "invoice"], name="online_attempt_inv_idx")
        ]

    def __str__(self) -> str:
        return f"Online {self.purpose} {self.pk}"


class StripeEvent(TimeStampedModel):
    """A webhook event received, once. Not a tenant row: an event can arrive
    before we know whose it is (a refund before its payment), and Stripe's
    event ids are unique across all accounts, so the id is unique here."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", "Processed"
        PENDING = "pending", "Waiting for its payment"
        IGNORED = "ignored", "Nothing of ours"

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=60)
    clinic = models.ForeignKey(
        "tenancy.Clinic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The PaymentIntent the event is about: a pending refund waits on it.
    payment_intent_id = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # Kept only while pending (to process it once its payment is recorded);
    # Stripe objects hold no names, only ids and amounts.
    payload = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["payment_intent_id", "outcome"], name="stripe_event_pi_idx"
            )
        ]

    def __str__(self) -> str:
        return self.event_id
