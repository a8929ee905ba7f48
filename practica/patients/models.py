"""Patients and their search keys.

`PatientSearchKey` rows make typo-tolerant name search work the same on SQLite
and PostgreSQL: for every name token we store the token and each variant with
one letter deleted; a query token matches when its own variants intersect, which
covers one insertion, deletion, substitution or adjacent swap.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models

from practica.tenancy.models import TenantModel


class Patient(TenantModel):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Prefer not to say"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=50, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    preferred_language = models.CharField(max_length=40, blank=True, default="English")
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True)
    has_email_consent = models.BooleanField(default=False)
    has_sms_consent = models.BooleanField(default=False)
    # Lower-cased, accent-free names: prefix search and sorting on both databases.
    first_name_key = models.CharField(max_length=100, db_index=True, editable=False)
    last_name_key = models.CharField(max_length=100, db_index=True, editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name_key", "first_name_key"]
        indexes = [
            models.Index(
                fields=["clinic", "last_name_key", "first_name_key"],
                name="patient_name_idx",
            ),
            models.Index(fields=["clinic", "phone"], name="patient_phone_idx"),
            models.Index(fields=["clinic", "date_of_birth"], name="patient_dob_idx"),
            models.Index(fields=["clinic", "email"], name="patient_email_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on `day`."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PatientSearchKey(models.Model):
    clinic_id = models.BigIntegerField()
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="search_keys"
    )
    key = models.CharField(max_length=100)

    class Meta:
        indexes = [
            # The patient id is in the index so that search reads the ids of
            # the patients holding a key from the index alone.
            models.Index(
                fields=["clinic_id", "key", "patient"],
                name="patient_searchkey_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key
