"""Factories for note templates, clinical notes and addenda.

Appointments, providers and patients come from the scheduling and patients
factories. `URL_KWARG_BUILDERS` feeds the project-wide URL tests.
"""

from __future__ import annotations

from collections.abc import Callable

import factory
from django.utils import timezone

from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.charting.shipped_templates import PHYSIOTHERAPY
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import UserFactory, make_clinic


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
    """A draft note of an arrived appointment (same clinic throughout)."""

    class Meta:
        model = ClinicalNote

    clinic = factory.LazyFunction(make_clinic)
    appointment = factory.SubFactory(
        AppointmentFactory,
        clinic=factory.SelfAttribute("..clinic"),
        status=Appointment.Status.ARRIVED,
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
    "appointment_id": lambda clinic: (
        AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED).id
    ),
    "note_id": lambda clinic: ClinicalNoteFactory(clinic=clinic).id,
}
