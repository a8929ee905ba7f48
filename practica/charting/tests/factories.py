"""Factories for note templates, clinical notes and addenda.

Appointments, providers and patients come from the scheduling and patients
factories. `URL_KWARG_BUILDERS` feeds the project-wide URL tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import factory
from django.utils import timezone

from practica.charting.models import (
    Allergy,
    ChartAlert,
    ChartingPolicy,
    ClinicalNote,
    Immunization,
    MedicalHistory,
    Medication,
    NoteAddendum,
    NoteCosignature,
    NoteTemplate,
    Problem,
    Supervision,
    VitalSigns,
)
from practica.charting.shipped_templates import PHYSIOTHERAPY
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory, ProviderFactory
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
    "template_id": lambda clinic: NoteTemplateFactory(clinic=clinic).id,
}


# --- The chart's clinical lists ------------------------------------------------


class _ChartEntryFactory(factory.django.DjangoModelFactory):
    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )


class ProblemFactory(_ChartEntryFactory):
    class Meta:
        model = Problem

    code = "M54.50"
    display = "Low back pain, unspecified"
    onset_on = datetime.date(2026, 1, 5)


class AllergyFactory(_ChartEntryFactory):
    class Meta:
        model = Allergy

    substance = factory.Sequence(lambda n: f"Substance {n}")
    reaction = "Hives"
    severity = Allergy.Severity.MODERATE


class MedicationFactory(_ChartEntryFactory):
    class Meta:
        model = Medication

    name = factory.Sequence(lambda n: f"Medication {n}")
    dose = "10 mg"
    route = "oral"
    frequency = "once daily"
    start_on = datetime.date(2025, 6, 1)


class ImmunizationFactory(_ChartEntryFactory):
    class Meta:
        model = Immunization

    code = "158"
    display = "Influenza, injectable, quadrivalent, contains preservative"
    given_on = datetime.date(2025, 10, 15)
    lot = "LOT123"
    site = "left deltoid"


class VitalSignsFactory(_ChartEntryFactory):
    class Meta:
        model = VitalSigns

    taken_at = factory.LazyFunction(timezone.now)
    systolic = 122
    diastolic = 78
    pulse = 68


class MedicalHistoryFactory(_ChartEntryFactory):
    class Meta:
        model = MedicalHistory

    kind = MedicalHistory.Kind.SURGERY
    text = "Appendectomy"
    occurred_on = datetime.date(2010, 3, 1)


class ChartAlertFactory(_ChartEntryFactory):
    class Meta:
        model = ChartAlert

    category = ChartAlert.Category.FALL_RISK
    severity = ChartAlert.Severity.WARNING
    text = "Unsteady on stairs"


URL_KWARG_BUILDERS.update(
    {
        "problem_id": lambda clinic: ProblemFactory(clinic=clinic).id,
        "allergy_id": lambda clinic: AllergyFactory(clinic=clinic).id,
        "medication_id": lambda clinic: MedicationFactory(clinic=clinic).id,
        "immunization_id": lambda clinic: ImmunizationFactory(clinic=clinic).id,
        "vitals_id": lambda clinic: VitalSignsFactory(clinic=clinic).id,
        "history_entry_id": lambda clinic: MedicalHistoryFactory(clinic=clinic).id,
        "alert_id": lambda clinic: ChartAlertFactory(clinic=clinic).id,
    }
)


# --- Supervision, co-signature, charting policy ---------------------------------


class SupervisionFactory(factory.django.DjangoModelFactory):
    """An active supervision between two new providers of one clinic."""

    class Meta:
        model = Supervision

    clinic = factory.LazyFunction(make_clinic)
    supervisee = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    supervisor = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    kind = Supervision.Kind.STUDENT


class AwaitingCosignatureNoteFactory(SignedNoteFactory):
    """A supervised provider's signed note naming a co-signer (a new provider
    of the clinic unless given)."""

    signed_by = factory.LazyAttribute(lambda o: o.provider.membership.user)
    cosigner = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )


class NoteCosignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteCosignature

    note = factory.SubFactory(AwaitingCosignatureNoteFactory)
    clinic = factory.SelfAttribute("note.clinic")
    supervisor = factory.SelfAttribute("note.cosigner")
    signed_by = factory.LazyAttribute(lambda o: o.note.cosigner.membership.user)
    comment = "Reviewed; agree with the plan."
    signed_at = factory.LazyFunction(timezone.now)


class ChartingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChartingPolicy

    clinic = factory.LazyFunction(make_clinic)
    unsigned_note_days = 3


URL_KWARG_BUILDERS["supervision_id"] = lambda clinic: (
    SupervisionFactory(clinic=clinic).id
)
