"""Factories for charting tests. Scheduling and patient rows are built here
directly (read-only neighbours of charting) with synthetic data only."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import factory
from django.utils import timezone

from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.charting.shipped_templates import PHYSIOTHERAPY
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AppointmentType, Provider
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import PROVIDER
from practica.tenancy.tests.factories import (
    LocationFactory,
    UserFactory,
    make_clinic,
    make_member,
)

BASE_START = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)


def _location(clinic: Clinic) -> Location:
    existing = Location.objects.filter(clinic=clinic).order_by("pk").first()
    return existing or LocationFactory(clinic=clinic)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.LazyFunction(make_clinic)
    first_name = factory.Sequence(lambda n: f"Testfirst{n}")
    last_name = factory.Sequence(lambda n: f"Testlast{n}")
    first_name_key = factory.LazyAttribute(lambda o: o.first_name.lower())
    last_name_key = factory.LazyAttribute(lambda o: o.last_name.lower())
    date_of_birth = datetime.date(1980, 1, 1)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    clinic = factory.LazyFunction(make_clinic)
    membership = factory.LazyAttribute(lambda o: make_member(o.clinic, [PROVIDER]))
    display_name = factory.Sequence(lambda n: f"Provider {n}")
    credentials = "PT"
    modality = "physiotherapy"


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    clinic = factory.LazyFunction(make_clinic)
    name = factory.Sequence(lambda n: f"Physiotherapy follow-up {n}")
    modality = "physiotherapy"
    duration_minutes = 30
    price = Decimal("95.00")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    clinic = factory.LazyFunction(make_clinic)
    location = factory.LazyAttribute(lambda o: _location(o.clinic))
    provider = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, clinic=factory.SelfAttribute("..clinic")
    )
    start_at = factory.Sequence(lambda n: BASE_START + datetime.timedelta(hours=n))
    end_at = factory.LazyAttribute(
        lambda o: o.start_at + datetime.timedelta(minutes=30)
    )
    status = Appointment.Status.ARRIVED


class NoteTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteTemplate

    clinic = factory.LazyFunction(make_clinic)
    key = factory.Sequence(lambda n: f"template-{n}")
    version = 1
    name = factory.Sequence(lambda n: f"Template {n}")
    modality = "physiotherapy"
    fields = factory.LazyFunction(lambda: list(PHYSIOTHERAPY.fields))


class ClinicalNoteFactory(factory.django.DjangoModelFactory):
    """A draft note of an appointment (same clinic throughout)."""

    class Meta:
        model = ClinicalNote

    clinic = factory.LazyFunction(make_clinic)
    appointment = factory.SubFactory(
        AppointmentFactory, clinic=factory.SelfAttribute("..clinic")
    )
    patient = factory.SelfAttribute("appointment.patient")
    provider = factory.SelfAttribute("appointment.provider")
    template = factory.SubFactory(
        NoteTemplateFactory, clinic=factory.SelfAttribute("..clinic")
    )
    content = factory.LazyFunction(
        lambda: {
            "chief_complaint": "Left knee pain on stairs",
            "impression": "Patellofemoral pain",
            "treatment": "Manual therapy and exercise",
        }
    )
    status = ClinicalNote.Status.DRAFT


class SignedNoteFactory(ClinicalNoteFactory):
    status = ClinicalNote.Status.SIGNED
    signed_at = factory.LazyFunction(timezone.now)
    signed_by = factory.SubFactory(UserFactory)


class NoteAddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteAddendum

    note = factory.SubFactory(SignedNoteFactory)
    clinic = factory.SelfAttribute("note.clinic")
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Correction number {n}.")
    signed_at = factory.LazyFunction(timezone.now)


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "appointment_id": lambda clinic: AppointmentFactory(clinic=clinic).id,
    "note_id": lambda clinic: ClinicalNoteFactory(clinic=clinic).id,
}
