"""The sections of the exported record, in the order they are printed.

Each loader reads its rows for one patient in a fixed number of queries
(`select_related`/`prefetch_related`), whatever the size of the chart. Rows
entered in error are loaded too: the bundle gives them FHIR's
entered-in-error status and the PDF strikes them through with the reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet

from practica.charting.models import (
    Allergy,
    ChartAlert,
    ChartEntry,
    ClinicalNote,
    Immunization,
    MedicalHistory,
    Medication,
    NoteAddendum,
    NoteCosignature,
    Problem,
    VitalSigns,
)
from practica.charting.note_fields import Section as NoteSection
from practica.charting.note_fields import TemplateField, sections_of
from practica.documents.errors import DocumentUnreadableError
from practica.documents.models import Document
from practica.documents.services import open_sealed
from practica.fhir import history
from practica.fhir.datatypes import Resource
from practica.fhir.resources import (
    allergy_intolerance,
    care_plan,
    composition,
    condition,
    document_reference,
    encounter,
    flag,
    goal,
    immunization,
    lab_observation,
    medication_statement,
    observation,
    practitioner,
)
from practica.intake.models import FormSubmission
from practica.labs.models import LabResult
from practica.outcomes.measures import get_measure
from practica.outcomes.models import MeasureResponse
from practica.outcomes.selectors import is_entered_in_error
from practica.plans.models import Goal, GoalProgress, PlanDiagnosis, TreatmentPlan
from practica.reports.export_registry import ExportScope, ExportSection, one, section
from practica.scheduling.models import Appointment, Provider

E = TypeVar("E", bound=ChartEntry)


def _entries(scope: ExportScope, model: type[E]) -> QuerySet[E]:
    return model.objects.filter(
        clinic=scope.actor.clinic, patient=scope.patient
    ).select_related("recorded_by__user")


def _problems(scope: ExportScope) -> list[Problem]:
    return list(_entries(scope, Problem).order_by("-onset_on", "-created_at"))


def _allergies(scope: ExportScope) -> list[Allergy]:
    return list(_entries(scope, Allergy).order_by("substance", "created_at"))


def _alerts(scope: ExportScope) -> list[ChartAlert]:
    return list(_entries(scope, ChartAlert).order_by("created_at"))


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
                PrintedField(
                    label=v.label, text=composition.value_text(v.field, v.value)
                )
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
    cosignature: NoteCosignature | None = None

    @property
    def awaits_cosignature(self) -> bool:
        return self.note.cosigner_id is not None and self.cosignature is None

    @property
    def written_at(self) -> datetime.datetime:
        """The visit's time when the note is of a visit, else when written."""
        return (
            self.note.appointment.start_at
            if self.note.appointment
            else (self.note.created_at)
        )


def _cosignature(note: ClinicalNote) -> NoteCosignature | None:
    """The note's co-signature, loaded with it (select_related), if any."""
    try:
        return note.cosignature
    except NoteCosignature.DoesNotExist:
        return None


def _notes(scope: ExportScope) -> list[NoteRow]:
    """Every note, oldest visit first, with its sections and addenda."""
    clinic = scope.actor.clinic
    notes = (
        ClinicalNote.objects.filter(clinic=clinic, patient=scope.patient)
        .select_related(
            "provider",
            "template",
            "signed_by",
            "cosigner",
            "cosignature__supervisor",
            "cosignature__signed_by",
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
                cosignature=_cosignature(note),
            )
        )
    rows.sort(key=lambda row: (row.written_at, row.note.created_at))
    return rows


def _note_to_fhir(row: NoteRow) -> list[Resource]:
    return [composition.to_fhir(row.note, row.addenda, row.cosignature)]


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
    """The providers who wrote a note for, saw or planned the care of the
    patient (one query). Each source is a subquery on the patient's own
    rows: joining the providers' notes and appointments would multiply every
    provider's notes by their appointments before the DISTINCT."""
    clinic, patient = scope.actor.clinic, scope.patient
    return list(
        Provider.objects.filter(clinic=clinic)
        .filter(
            Q(
                pk__in=ClinicalNote.objects.filter(
                    clinic=clinic, patient=patient
                ).values("provider_id")
            )
            | Q(
                pk__in=Appointment.objects.filter(
                    clinic=clinic, patient=patient
                ).values("provider_id")
            )
            | Q(
                pk__in=TreatmentPlan.objects.filter(
                    clinic=clinic, patient=patient
                ).values("provider_id")
            )
        )
        .order_by("display_name")
    )


def _vitals_to_fhir(vitals: VitalSigns) -> list[Resource]:
    return observation.vital_signs(vitals)


def _outcome_to_fhir(row: OutcomeRow) -> list[Resource]:
    return [observation.outcome_score(row.response)]


# --- Labs, treatment plans, forms ---------------------------------------------


def _labs(scope: ExportScope) -> list[LabResult]:
    return list(
        LabResult.objects.filter(clinic=scope.actor.clinic, patient=scope.patient)
        .select_related("recorded_by__user")
        .order_by("test_name", "collected_at", "created_at")
    )


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    progress: list[GoalProgress]


@dataclass(frozen=True)
class PlanRow:
    plan: TreatmentPlan
    problems: list[Problem]
    goals: list[GoalRow]


def _plans(scope: ExportScope) -> list[PlanRow]:
    """Every plan with its diagnoses, goals and goal progress (four queries)."""
    clinic = scope.actor.clinic
    plans = (
        TreatmentPlan.objects.filter(clinic=clinic, patient=scope.patient)
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "diagnoses",
                queryset=PlanDiagnosis.objects.filter(clinic=clinic).select_related(
                    "problem"
                ),
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(clinic=clinic).prefetch_related(
                    Prefetch(
                        "progress",
                        queryset=GoalProgress.objects.filter(clinic=clinic),
                    )
                ),
            ),
        )
        .order_by("start_on", "created_at")
    )
    return [
        PlanRow(
            plan=plan,
            problems=[d.problem for d in plan.diagnoses.all()],
            goals=[
                GoalRow(goal=g, progress=list(g.progress.all()))
                for g in plan.goals.all()
            ],
        )
        for plan in plans
    ]


def _plan_to_fhir(row: PlanRow) -> list[Resource]:
    patient_id = row.plan.patient_id
    resources = [
        care_plan.to_fhir(
            row.plan,
            problem_ids=[p.pk for p in row.problems],
            goal_ids=[g.goal.pk for g in row.goals],
        )
    ]
    for goal_row in row.goals:
        resources.append(
            goal.to_fhir(
                goal_row.goal,
                patient_id=patient_id,
                progress_ids=[p.pk for p in goal_row.progress],
            )
        )
        resources.extend(
            observation.goal_progress(p, goal=goal_row.goal, patient_id=patient_id)
            for p in goal_row.progress
        )
    return resources


@dataclass(frozen=True)
class FormRow:
    submission: FormSubmission
    superseded_reason: str  # "" while it stands

    @property
    def is_superseded(self) -> bool:
        return bool(self.superseded_reason)


def _forms(scope: ExportScope) -> list[FormRow]:
    submissions = (
        FormSubmission.objects.filter(clinic=scope.actor.clinic, patient=scope.patient)
        .select_related("supersession")
        .defer("answers", "signature_png")
        .order_by("signed_at", "created_at")
    )
    if not scope.with_files:
        submissions = submissions.defer("pdf")
    rows = []
    for submission in submissions:
        supersession = getattr(submission, "supersession", None)
        rows.append(
            FormRow(
                submission=submission,
                superseded_reason=supersession.reason if supersession else "",
            )
        )
    return rows


def _form_to_fhir(row: FormRow) -> list[Resource]:
    return [
        document_reference.form_submission(
            row.submission, is_superseded=row.is_superseded
        )
    ]


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
    section("alerts", "Chart alerts", load=_alerts, to_fhir=one(flag.to_fhir)),
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
    section(
        "labs", "Lab and test results", load=_labs, to_fhir=one(lab_observation.to_fhir)
    ),
    section("plans", "Treatment plans", load=_plans, to_fhir=_plan_to_fhir),
    section("notes", "Clinical notes", load=_notes, to_fhir=_note_to_fhir),
    section("forms", "Forms and consents", load=_forms, to_fhir=_form_to_fhir),
    section("documents", "Documents", load=_documents, to_fhir=_document_to_fhir),
    section(
        "practitioners",
        "Care team",
        load=_practitioners,
        to_fhir=one(practitioner.to_fhir),
        pdf=False,
    ),
]
