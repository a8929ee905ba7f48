"""Bank deposits and the daily close of a location's takings.

A `Deposit` is money taken to the bank (or the card processor's settlement)
for one location's business day and one payment method. A `DailyClose`
freezes, once per location and day, what the payments and refunds of that
local day said was expected per method and what was deposited, so later
changes cannot rewrite a reconciled day; a closed day takes no new deposits.
"""

from __future__ import annotations

from django.db import models

from practica.billing.models.ledger import Payment
from practica.tenancy.models import Location, TenantModel


class Deposit(TenantModel):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    # The business day whose takings this deposit carries (location time).
    business_on = models.DateField()
    method = models.CharField(max_length=12, choices=Payment.Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["business_on", "method", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="deposit_amount_positive"
            )
        ]
        indexes = [
            models.Index(
                fields=["clinic", "location", "business_on"], name="deposit_day_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Deposit {self.business_on} {self.method} {self.amount}"


class DailyClose(TenantModel):
    """One location's closed business day. `totals` holds, per payment method,
    the figures as they stood when the day was closed (amounts as strings):
    {"cash": {"payments": "120.00", "refunds": "20.00", "expected": "100.00",
    "deposited": "80.00", "difference": "-20.00"}}."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    business_on = models.DateField()
    closed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField()
    totals = models.JSONField(default=dict)
    expected_total = models.DecimalField(max_digits=12, decimal_places=2)
    deposited_total = models.DecimalField(max_digits=12, decimal_places=2)
    # deposited - expected: negative when the bank got less than was taken.
    difference = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-business_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "location", "business_on"],
                name="daily_close_one_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"Close {self.business_on}"
