"""The patient's complete record, out: one PDF and one FHIR R4 bundle.

The record is a list of sections (`SECTIONS`). Each section loads its rows
for one patient in a fixed number of queries, maps each row to FHIR
resources (`practica.fhir`) and names the PDF template that prints it. A new
part of the chart joins the export with one `section(...)` line: a loader, a
mapper and a template under `reports/export_pdf/`.

Rows entered in error are exported, marked: in the bundle with FHIR's
entered-in-error status, in the PDF struck through with the reason. A record
request is answered with what the chart holds, mistakes included.

Both formats read through `load_record`, which records one audit view entry
naming the patient and the format; nothing else is written.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Prefetch, Q, QuerySet

from practica.audit.services import record_view
from practica.charting.models import (
    Allergy,
    ChartEntry,
    ClinicalNote,
    Immunization,
    MedicalHistory,
    Medication,
    NoteAddendum,
    Problem,
    VitalSigns,
)
from practica.charting.note_fields import Section as NoteSection
from practica.charting.note_fields import TemplateField, sections_of
from practica.documents.errors import DocumentUnreadableError
from practica.documents.models import Document
from practica.documents.services import open_sealed
from practica.fhir import bundle, history
from practica.fhir.datatypes import Resource
from practica.fhir.resources import (
    allergy_intolerance,
    composition,
    condition,
    document_reference,
    encounter,
    immunization,
    medication_statement,
    observation,
    organization,
    practitioner,
)
from practica.fhir.resources import patient as patient_resource
from practica.outcomes.measures import get_measure
from practica.outcomes.models import MeasureResponse
from practica.outcomes.selectors import is_entered_in_error
from practica.patients.selectors import get_patient_for
from practica.scheduling.models import Appointment, Provider
from practica.tenancy.models import Location

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor
    from practica.tenancy.models import Clinic

R = TypeVar("R")
E = TypeVar("E", bound=ChartEntry)

PDF = "pdf"
BUNDLE = "bundle"
FORMATS = {PDF: "PDF", BUNDLE: "FHIR bundle"}


@dataclass(frozen=True)
class ExportScope:
    actor: Actor
    patient: Patient
    # The bundle carries the documents' files; the PDF lists their titles only.
    with_files: bool


@dataclass(frozen=True)
class LoadedSection:
    key: str
    title: str
    template: str  # PDF template; "" for a section only the bundle carries
    rows: Sequence[object]
    to_fhir: Callable[[], list[Resource]]

    @property
    def resources(self) -> list[Resource]:
        return self.to_fhir()


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    load: Callable[[ExportScope], LoadedSection]


def section(
    key: str,
    title: str,
    *,
    load: Callable[[ExportScope], Sequence[R]],
    to_fhir: Callable[[R], list[Resource]],
    pdf: bool = True,
) -> ExportSection:
    """A section of the record: `load` reads its rows (constant queries),
    `to_fhir` maps one row; the PDF prints it with
    `reports/export_pdf/<key>.html` (rows in `rows`)."""

    def loaded(scope: ExportScope) -> LoadedSection:
        rows = load(scope)
        return LoadedSection(
            key=key,
            title=title,
            template=f"reports/export_pdf/{key}.html" if pdf else "",
            rows=rows,
            to_fhir=lambda: [r for row in rows for r in to_fhir(row)],
        )

    return ExportSection(key=key, title=title, load=loaded)


def one(mapper: Callable[[R], Resource]) -> Callable[[R], list[Resource]]:
    return lambda row: [mapper(row)]


# --- Loaders -----------------------------------------------------------------


def _entries(scope: ExportScope, model: type[E]) -> QuerySet[E]:
    return model.objects.filter(
        clinic=scope.actor.clinic, patient=scope.patient
    ).select_related("recorded_by__user")


def _problems(scope: ExportScope) -> list[Problem]:
    return list(_entries(scope, Problem).order_by("-onset_on", "-created_at"))


def _allergies(scope: ExportScope) -> list[Allergy]:
    return list(_entries(scope, Allergy).order_by("substance", "created_at"))


def _medications(scope: ExportScope) -> list[Medication]:
    return list(_entries(scope, Medication).order_by("name", "created_at"))


def _immunizations(scope: ExportScope) -> list[Immunization]:
    return list(_entries(scope, Immunization).order_by("given_on", "created_at"))


def _vitals(scope: ExportScope) -> list[VitalSigns]:
    return list(_entries(scope, VitalSigns).order_by("taken_at", "created_at"))


def _history(scope: ExportScope) -> list[MedicalHistory]:
    return list(_entries(scope, MedicalHistory).order_by("kind", "occurred_on"))


@dataclass(frozen=True)
class OutcomeRow:
    response: MeasureResponse
    measure_name: str
    unit: str
    reason: str  # why it was marked entered in error; "" when it counts

    @property
    def is_entered_in_error(self) -> bool:
        return is_entered_in_error(self.response)


def _outcomes(scope: ExportScope) -> list[OutcomeRow]:
    responses = (
        MeasureResponse.objects.filter(clinic=scope.actor.clinic, patient=scope.patient)
        .select_related("error_mark", "recorded_by__user")
        .order_by("measure_code", "taken_on", "created_at")
    )
    rows = []
    for response in responses:
        measure = get_measure(response.measure_code)
        rows.append(
            OutcomeRow(
                response=response,
                measure_name=(
                    f"{measure.name} ({measure.short_name})"
                    if measure
                    else response.measure_code
                ),
                unit="%" if measure and measure.unit == "%" else "",
                reason=(
                    response.error_mark.reason if is_entered_in_error(response) else ""
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class PrintedField:
    label: str
    text: str


@dataclass(frozen=True)
class PrintedSection:
    title: str
    fields: list[PrintedField]


def _printed(sections: list[NoteSection]) -> list[PrintedSection]:
    return [
        PrintedSection(
            title=s.title,
            fields=[
                PrintedField(label=v.label, text=composition.value_text(v.value))
                for v in s.values
            ],
        )
        for s in sections
    ]


@dataclass(frozen=True)
class NoteRow:
    note: ClinicalNote
    sections: list[PrintedSection]
    addenda: list[NoteAddendum]

    @property
    def written_at(self) -> datetime.datetime:
        """The visit's time when the note is of a visit, else when written."""
        return (
            self.note.appointment.start_at
            if self.note.appointment
            else (self.note.created_at)
        )


def _notes(scope: ExportScope) -> list[NoteRow]:
    """Every note, oldest visit first, with its sections and addenda."""
    clinic = scope.actor.clinic
    notes = (
        ClinicalNote.objects.filter(clinic=clinic, patient=scope.patient)
        .select_related(
            "provider",
            "template",
            "signed_by",
            "appointment__location",
            "appointment__appointment_type",
        )
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=NoteAddendum.objects.filter(clinic=clinic)
                .select_related("author")
                .order_by("signed_at"),
            )
        )
    )
    rows = []
    for note in notes:
        fields: list[TemplateField] = list(note.template.fields)
        rows.append(
            NoteRow(
                note=note,
                sections=_printed(sections_of(fields, note.content)),
                addenda=list(note.addenda.all()),
            )
        )
    rows.sort(key=lambda row: (row.written_at, row.note.created_at))
    return rows


def _note_to_fhir(row: NoteRow) -> list[Resource]:
    return [composition.to_fhir(row.note, row.addenda)]


def _appointments(scope: ExportScope) -> list[Appointment]:
    return list(
        Appointment.objects.filter(clinic=scope.actor.clinic, patient=scope.patient)
        .select_related("provider", "appointment_type", "location")
        .order_by("start_at")
    )


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    content: bytes | None  # None in the PDF, or when it fails its check
    is_unreadable: bool = False


def _documents(scope: ExportScope) -> list[DocumentRow]:
    documents = (
        Document.objects.filter(clinic=scope.actor.clinic, patient=scope.patient)
        .select_related("uploaded_by__user")
        .defer("extracted_text")
        .order_by("created_at", "pk")
    )
    if not scope.with_files:
        return [
            DocumentRow(document=d, content=None)
            for d in documents.defer("ciphertext", "nonce")
        ]
    rows = []
    for document in documents:
        try:
            rows.append(DocumentRow(document=document, content=open_sealed(document)))
        except DocumentUnreadableError:
            rows.append(
                DocumentRow(document=document, content=None, is_unreadable=True)
            )
    return rows


def _document_to_fhir(row: DocumentRow) -> list[Resource]:
    if row.content is None:
        return []  # a file that fails its integrity check is listed in the PDF only
    return [document_reference.to_fhir(row.document, row.content)]


def _practitioners(scope: ExportScope) -> list[Provider]:
    """The providers who wrote a note for or saw the patient."""
    return list(
        Provider.objects.filter(clinic=scope.actor.clinic)
        .filter(
            Q(notes__patient=scope.patient) | Q(appointments__patient=scope.patient)
        )
        .distinct()
        .order_by("display_name")
    )


def _vitals_to_fhir(vitals: VitalSigns) -> list[Resource]:
    return observation.vital_signs(vitals)


def _outcome_to_fhir(row: OutcomeRow) -> list[Resource]:
    return [observation.outcome_score(row.response)]


SECTIONS: list[ExportSection] = [
    section(
        "problems",
        "Problems",
        load=_problems,
        to_fhir=one(condition.to_fhir),
    ),
    section(
        "allergies",
        "Allergies",
        load=_allergies,
        to_fhir=one(allergy_intolerance.to_fhir),
    ),
    section(
        "medications",
        "Medications",
        load=_medications,
        to_fhir=one(medication_statement.to_fhir),
    ),
    section(
        "immunizations",
        "Immunizations",
        load=_immunizations,
        to_fhir=one(immunization.to_fhir),
    ),
    section("vitals", "Vital signs", load=_vitals, to_fhir=_vitals_to_fhir),
    section("history", "Medical history", load=_history, to_fhir=one(history.to_fhir)),
    section("outcomes", "Outcome measures", load=_outcomes, to_fhir=_outcome_to_fhir),
    section("visits", "Visits", load=_appointments, to_fhir=one(encounter.to_fhir)),
    section("notes", "Clinical notes", load=_notes, to_fhir=_note_to_fhir),
    section("documents", "Documents", load=_documents, to_fhir=_document_to_fhir),
    section(
        "practitioners",
        "Care team",
        load=_practitioners,
        to_fhir=one(practitioner.to_fhir),
        pdf=False,
    ),
]


# --- The record ----------------------------------------------------------------


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
