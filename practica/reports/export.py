"""The patient's complete record, out: one PDF and one FHIR R4 bundle.

The record is the list of sections in `export_sections.SECTIONS`, loaded for
one patient (see `export_registry` for how a section is declared). Rows
entered in error are exported, marked: in the bundle with FHIR's
entered-in-error status, in the PDF struck through with the reason. A record
request is answered with what the chart holds, mistakes included.

Both formats read through `load_record`, which records one audit view entry
naming the patient and the format; nothing else is written.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from practica.audit.services import record_view
from practica.charting.models import Allergy, Medication, Problem
from practica.fhir import bundle
from practica.fhir.datatypes import Resource
from practica.fhir.resources import organization
from practica.fhir.resources import patient as patient_resource
from practica.patients.selectors import get_patient_for
from practica.reports.export_registry import ExportScope, LoadedSection
from practica.reports.export_sections import SECTIONS
from practica.scheduling.models import Appointment
from practica.tenancy.models import Location

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor
    from practica.tenancy.models import Clinic

PDF = "pdf"
BUNDLE = "bundle"
FORMATS = {PDF: "PDF", BUNDLE: "FHIR bundle"}


@dataclass(frozen=True)
class ExportedRecord:
    clinic: Clinic
    patient: Patient
    exported_at: datetime.datetime
    exported_by: str
    timezone: str
    sections: list[LoadedSection]

    def rows(self, key: str) -> Sequence[object]:
        return next((s.rows for s in self.sections if s.key == key), ())

    @property
    def pdf_sections(self) -> list[LoadedSection]:
        return [s for s in self.sections if s.template]

    @property
    def active_allergies(self) -> list[Allergy]:
        return [
            a
            for a in self.rows("allergies")
            if isinstance(a, Allergy) and a.status == Allergy.Status.ACTIVE
        ]

    @property
    def active_problems(self) -> list[Problem]:
        return [
            p
            for p in self.rows("problems")
            if isinstance(p, Problem) and p.status == Problem.Status.ACTIVE
        ]

    @property
    def current_medications(self) -> list[Medication]:
        return [
            m
            for m in self.rows("medications")
            if isinstance(m, Medication) and m.status == Medication.Status.ACTIVE
        ]

    @property
    def last_visit(self) -> Appointment | None:
        past = [
            a
            for a in self.rows("visits")
            if isinstance(a, Appointment)
            and a.start_at < self.exported_at
            and a.status not in Appointment.RELEASING
        ]
        return past[-1] if past else None

    @property
    def next_visit(self) -> Appointment | None:
        return next(
            (
                a
                for a in self.rows("visits")
                if isinstance(a, Appointment)
                and a.start_at >= self.exported_at
                and a.status not in Appointment.RELEASING
            ),
            None,
        )


def _timezone(scope: ExportScope) -> str:
    location = Location.objects.for_clinic(scope.actor.clinic).order_by("name").first()
    return location.timezone if location else "UTC"


def load_record(
    *,
    actor: Actor,
    patient_id: uuid.UUID,
    export_format: str,
    now: datetime.datetime,
) -> ExportedRecord:
    """Every section of the patient's record, for one export format; records
    one view entry naming the patient and the format (404 and a denied entry
    for another clinic's patient). A constant number of queries whatever the
    size of the chart."""
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    scope = ExportScope(
        actor=actor, patient=patient, with_files=export_format == BUNDLE
    )
    record = ExportedRecord(
        clinic=actor.clinic,
        patient=patient,
        exported_at=now,
        exported_by=actor.user.full_name if actor.user else "System",
        timezone=_timezone(scope),
        sections=[s.load(scope) for s in SECTIONS],
    )
    record_view(
        actor=actor,
        obj=patient,
        patient_id=patient.pk,
        detail=f"record export: {FORMATS[export_format]}",
    )
    return record


def build_bundle(record: ExportedRecord) -> Resource:
    """The record as a FHIR R4 collection bundle: the patient and the clinic
    first, then each section's resources."""
    patient = record.patient
    resources = [
        patient_resource.to_fhir(patient),
        organization.to_fhir(record.clinic),
    ]
    for loaded in record.sections:
        resources.extend(loaded.resources)
    return bundle.collection(resources, bundle_id=uuid.uuid4(), at=record.exported_at)
