"""Clinics (tenants), their locations, roles and the people who work there.

Every clinic-owned row inherits `TenantModel`: a non-null `clinic` and a manager
whose `for_clinic()` is the one way to scope a query.
"""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from practica.core.models import TimeStampedModel

if TYPE_CHECKING:
    from collections.abc import Iterable


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value} is not an IANA time zone.")


class Clinic(TimeStampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    currency = models.CharField(max_length=3, default="CAD")
    is_mfa_required = models.BooleanField(
        default=False, help_text="Every staff member must use an authenticator app."
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(default=15)
    # Printed on invoices, receipts and credit notes: a Canadian clinic that
    # charges GST/HST must show its registration number (e.g. 123456789
    # RT0001); blank for a clinic that is not registered.
    tax_registration_number = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet[Any]):
    def for_clinic(self, clinic: Clinic) -> TenantQuerySet:
        return self.filter(clinic=clinic)


class TenantModel(TimeStampedModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Location(TenantModel):
    # Rates and rules per region: `billing.taxes` (rates in force in 2026).
    TAX_REGIONS = [
        ("CA-AB", "Alberta (GST 5%)"),
        ("CA-BC", "British Columbia (GST 5%, PST 7%)"),
        ("CA-MB", "Manitoba (GST 5%, RST 7%)"),
        ("CA-NB", "New Brunswick (HST 15%)"),
        ("CA-NL", "Newfoundland and Labrador (HST 15%)"),
        ("CA-NS", "Nova Scotia (HST 14%)"),
        ("CA-NT", "Northwest Territories (GST 5%)"),
        ("CA-NU", "Nunavut (GST 5%)"),
        ("CA-ON", "Ontario (HST 13%)"),
        ("CA-PE", "Prince Edward Island (HST 15%)"),
        ("CA-QC", "Quebec (GST 5%, QST 9.975%)"),
        ("CA-SK", "Saskatchewan (GST 5%, PST 6%)"),
        ("CA-YT", "Yukon (GST 5%)"),
        ("US", "United States (no sales tax)"),
    ]
    name = models.CharField(max_length=120)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=50, blank=True, help_text="Province or state")
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="CA")
    phone = models.CharField(max_length=20, blank=True)
    timezone = models.CharField(
        max_length=64, default="America/Toronto", validators=[validate_timezone]
    )
    currency = models.CharField(max_length=3, default="CAD")
    tax_region = models.CharField(max_length=8, choices=TAX_REGIONS, default="CA-ON")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "name"], name="location_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def address_line(self) -> str:
        parts = [self.street, self.city, self.region, self.postal_code]
        return ", ".join(p for p in parts if p)


class Role(TenantModel):
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    permissions = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key"], name="role_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A person working at a clinic, with one or more roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    roles = models.ManyToManyField(Role, related_name="memberships")
    title = models.CharField(max_length=80, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "user"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic_id}"

    def permission_set(self, roles: Iterable[Role] | None = None) -> frozenset[str]:
        source = roles if roles is not None else self.roles.all()
        return frozenset(code for role in source for code in role.permissions)
