"""Packages of visits, memberships and gift cards: what a patient bought ahead.

- A `PackagePlan` says what a catalogue item of kind package holds (visits,
  covered visit types, days of validity). Selling the item makes a
  `PatientPackage`; each invoiced visit of a covered type uses one of its
  visits through a `BenefitUse` row.
- A `MembershipPlan` says what an item of kind membership gives (a monthly fee,
  a discount on covered visits and/or visits included each month). A
  `PatientMembership` is billed once per month (`MembershipPeriod`, unique per
  month, so billing twice bills nothing).
- A `GiftCard` is money loaded when its item is sold. Its balance is the sum
  of its append-only `GiftCardEntry` rows (load, redemption, refund back); each
  redemption is also a `Payment` of method gift_card, one row for one payment,
  so the two reconcile.

A `BenefitUse` is live until released (its invoice voided or fully
credited); at most one live use per appointment, enforced by the database.
"""

from __future__ import annotations

import uuid

from django.db import models

from practica.billing.models.catalogue import CatalogItem
from practica.billing.models.invoices import Invoice, InvoiceLine
from practica.billing.models.ledger import Payment, Refund
from practica.tenancy.models import TenantModel


class PackagePlan(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.OneToOneField(
        CatalogItem, on_delete=models.PROTECT, related_name="package_plan"
    )
    visits = models.PositiveSmallIntegerField()
    validity_days = models.PositiveSmallIntegerField()
    appointment_types = models.ManyToManyField(
        "scheduling.AppointmentType", related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["item__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visits__gt=0) & models.Q(validity_days__gt=0),
                name="package_plan_visits_and_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Package plan {self.item_id}"


class PatientPackage(TenantModel):
    """A package a patient bought. Visits left = `visits` - live uses."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        PackagePlan, on_delete=models.PROTECT, related_name="packages"
    )
    # The invoice line that sold it: one package per line (the hook is
    # idempotent on it).
    sale_line = models.OneToOneField(
        InvoiceLine, on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the plan at purchase: a later plan change never alters what
    # was bought.
    visits = models.PositiveSmallIntegerField()
    purchased_on = models.DateField()
    expires_on = models.DateField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [
            models.Index(fields=["clinic", "patient"], name="package_patient_idx")
        ]

    def __str__(self) -> str:
        return f"Package {self.pk}"


class MembershipPlan(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.OneToOneField(
        CatalogItem, on_delete=models.PROTECT, related_name="membership_plan"
    )
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    visits_per_month = models.PositiveSmallIntegerField(default=0)
    appointment_types = models.ManyToManyField(
        "scheduling.AppointmentType", related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["item__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_fee__gte=0)
                & models.Q(discount_percent__gte=0)
                & models.Q(discount_percent__lte=100),
                name="membership_plan_amounts_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"Membership plan {self.item_id}"


class PatientMembership(TenantModel):
    """A patient's membership. Month n runs from `starts_on` + n months; the
    fee of each month is billed once. Cancelled: no month starting on or after
    `ends_on` is billed or gives benefits."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        MembershipPlan, on_delete=models.PROTECT, related_name="memberships"
    )
    # Where the monthly fee is invoiced (its taxes follow the location).
    location = models.ForeignKey(
        "tenancy.Location", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    ends_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "plan"],
                condition=models.Q(status="active"),
                name="membership_one_active_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Membership {self.pk}"


class MembershipPeriod(TenantModel):
    """One billed month of a membership (the unique row makes billing once)."""

    membership = models.ForeignKey(
        PatientMembership, on_delete=models.PROTECT, related_name="periods"
    )
    starts_on = models.DateField()
    # Empty only inside the billing transaction, between the month's row and
    # its invoice (see `services.benefits.bill_memberships`).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "starts_on"], name="membership_period_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.starts_on}"


class BenefitUse(TenantModel):
    """A visit's use of a package visit, a membership's included visit or its
    discount, recorded with the invoice line it discounted."""

    class Kind(models.TextChoices):
        PACKAGE_VISIT = "package_visit", "Package visit"
        MEMBERSHIP_VISIT = "membership_visit", "Included membership visit"
        MEMBERSHIP_DISCOUNT = "membership_discount", "Membership discount"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="+"
    )
    line = models.OneToOneField(
        InvoiceLine, on_delete=models.PROTECT, related_name="benefit_use"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(
        PatientPackage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uses",
    )
    membership = models.ForeignKey(
        PatientMembership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uses",
    )
    # Which month of the membership an included visit counts against.
    period_starts_on = models.DateField(null=True, blank=True)
    discount = models.DecimalField(max_digits=10, decimal_places=2)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(released_at__isnull=True),
                name="benefit_one_live_use_per_appointment",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(package__isnull=False, membership__isnull=True)
                    | models.Q(package__isnull=True, membership__isnull=False)
                ),
                name="benefit_use_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.appointment_id}"


class GiftCard(TenantModel):
    """Stored value. The code is shown once when issued; only its hash and
    last four characters are kept, like a password."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code_hash = models.CharField(max_length=64)
    code_last4 = models.CharField(max_length=4)
    # Who bought it (the sale invoice's patient); anyone may redeem it.
    purchaser = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    sale_line = models.OneToOneField(
        InvoiceLine, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="CAD")
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code_hash"], name="gift_card_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="gift_card_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Gift card ...{self.code_last4}"


class GiftCardEntry(TenantModel):
    """Append-only movement of a card's value: + load, - redemption (with its
    Payment), + refund back (with its Refund). Balance = sum of amounts."""

    class Kind(models.TextChoices):
        LOAD = "load", "Loaded"
        REDEMPTION = "redemption", "Redeemed"
        REFUND = "refund", "Refunded back"
        CANCEL = "cancel", "Cancelled"

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.OneToOneField(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["posted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="load", amount__gt=0)
                    | models.Q(kind="redemption", amount__lt=0, payment__isnull=False)
                    | models.Q(kind="refund", amount__gt=0, refund__isnull=False)
                    | models.Q(kind="cancel", amount__lt=0)
                ),
                name="gift_card_entry_sign_by_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
