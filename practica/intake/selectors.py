"""Reads of the intake app. Pages get forms and submissions through these
functions only; the ones showing a patient's record write a view entry.

Shipped forms a clinic has not used yet are shown from the catalogue (unsaved
version-1 definitions), so that no GET ever writes: they are installed by the
first write that needs them (`services.ensure_shipped_forms`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from practica.audit.services import record_denied, record_view
from practica.intake.mapping import Proposal, proposals_for
from practica.intake.models import FormDefinition, FormSubmission, MappingDecision
from practica.intake.services import (
    clinic_country,
    clinic_timezone,
    shipped_definition,
)
from practica.intake.shipped_forms import SHIPPED_BY_KEY, SHIPPED_FORMS
from practica.patients.selectors import get_patient_for
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor


@dataclass(frozen=True)
class FormVersions:
    """One form of the clinic: its newest version and every version."""

    latest: FormDefinition
    versions: list[FormDefinition]
    is_shipped: bool

    @property
    def key(self) -> str:
        return self.latest.key

    @property
    def is_installed(self) -> bool:
        return self.latest.pk is not None


def _definitions(actor: Actor) -> QuerySet[FormDefinition]:
    return FormDefinition.objects.filter(clinic=actor.clinic)


def get_clinic_timezone(*, actor: Actor) -> str:
    """The zone the intake pages show times in (the first location's)."""
    return clinic_timezone(actor.clinic)


def list_forms(*, actor: Actor) -> list[FormVersions]:
    """Every form of the clinic (retired ones too), by title; shipped forms
    not yet installed appear as version 1. Two queries."""
    by_key: dict[str, list[FormDefinition]] = {}
    for definition in _definitions(actor).order_by("key", "-version"):
        by_key.setdefault(definition.key, []).append(definition)
    missing = [s for s in SHIPPED_FORMS if s.key not in by_key]
    if missing:
        country = clinic_country(actor.clinic)
        for shipped in missing:
            by_key[shipped.key] = [
                shipped_definition(
                    clinic=actor.clinic, shipped=shipped, country=country
                )
            ]
    forms = [
        FormVersions(latest=rows[0], versions=rows, is_shipped=key in SHIPPED_BY_KEY)
        for key, rows in by_key.items()
    ]
    return sorted(forms, key=lambda f: (f.latest.title.lower(), f.key))


def list_fillable_forms(*, actor: Actor) -> list[FormDefinition]:
    """The newest version of each form in use, by kind then title."""
    order = {"intake": 0, "health_history": 1, "consent": 2}
    active = [f.latest for f in list_forms(actor=actor) if f.latest.is_active]
    return sorted(active, key=lambda d: (order.get(d.kind, 9), d.title.lower()))


def get_form(*, actor: Actor, key: str) -> FormVersions:
    """One form by key (404 and a denied entry when the clinic has none)."""
    rows = list(_definitions(actor).filter(key=key).order_by("-version"))
    if rows:
        return FormVersions(
            latest=rows[0], versions=rows, is_shipped=key in SHIPPED_BY_KEY
        )
    shipped = SHIPPED_BY_KEY.get(key)
    if shipped is None:
        record_denied(
            actor=actor,
            object_type="intake.formdefinition",
            object_id=key[:64],
            detail="not found in clinic",
        )
        raise Http404("Not found.")
    definition = shipped_definition(
        clinic=actor.clinic, shipped=shipped, country=clinic_country(actor.clinic)
    )
    return FormVersions(latest=definition, versions=[definition], is_shipped=True)


def get_form_for_filling(*, actor: Actor, key: str) -> FormDefinition:
    """The version of a form in use now; 404 when it is retired."""
    form = get_form(actor=actor, key=key)
    if not form.latest.is_active:
        raise Http404("This form is retired.")
    return form.latest


# --- Submissions -------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionRow:
    submission: FormSubmission
    pending: int  # proposed chart entries not yet decided


@dataclass(frozen=True)
class PatientForms:
    patient: Patient
    rows: list[SubmissionRow]
    fillable: list[FormDefinition]

    @property
    def pending(self) -> int:
        return sum(row.pending for row in self.rows)


def _submissions(actor: Actor) -> QuerySet[FormSubmission]:
    return FormSubmission.objects.filter(clinic=actor.clinic).defer(
        "pdf", "signature_png"
    )


def get_patient_forms(*, actor: Actor, patient_id: uuid.UUID) -> PatientForms:
    """The patient's submissions, newest first, with how many proposed chart
    entries each still awaits, and the forms that can be filled. Records one
    view entry. A constant number of queries whatever the count."""
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    submissions = list(
        _submissions(actor)
        .filter(patient=patient)
        .select_related("definition", "handed_by__user", "supersession__superseded_by")
        .prefetch_related("decisions")
        .order_by("-signed_at")
    )
    rows = []
    for submission in submissions:
        decided = {d.proposal_key for d in submission.decisions.all()}
        proposals = proposals_for(submission.definition.fields, submission.answers)
        pending = sum(1 for p in proposals if p.key not in decided)
        rows.append(SubmissionRow(submission=submission, pending=pending))
    return PatientForms(
        patient=patient, rows=rows, fillable=list_fillable_forms(actor=actor)
    )


@dataclass(frozen=True)
class ProposalState:
    proposal: Proposal
    decision: MappingDecision | None


@dataclass(frozen=True)
class SubmissionDetail:
    submission: FormSubmission
    proposals: list[ProposalState] = field(default_factory=list)

    @property
    def pending(self) -> list[ProposalState]:
        return [p for p in self.proposals if p.decision is None]

    @property
    def decided(self) -> list[ProposalState]:
        return [p for p in self.proposals if p.decision is not None]


def _submission_for(actor: Actor, submission_id: uuid.UUID) -> FormSubmission:
    return scoped_get_or_404(
        actor,
        FormSubmission.objects.defer("pdf").select_related(
            "patient",
            "definition",
            "handed_by__user",
            "supersession__superseded_by",
            "supersession__marked_by__user",
        ),
        pk=submission_id,
    )


def get_submission_detail(
    *, actor: Actor, submission_id: uuid.UUID, record_access: bool = True
) -> SubmissionDetail:
    """A submission with its answers and proposed chart entries (health
    information: the caller needs chart.view). Records one view entry."""
    submission = _submission_for(actor, submission_id)
    decisions = {
        d.proposal_key: d
        for d in MappingDecision.objects.filter(
            clinic=actor.clinic, submission=submission
        ).select_related("decided_by__user")
    }
    proposals = [
        ProposalState(proposal=p, decision=decisions.get(p.key))
        for p in proposals_for(submission.definition.fields, submission.answers)
    ]
    if record_access:
        record_view(actor=actor, obj=submission, patient_id=submission.patient_id)
    return SubmissionDetail(submission=submission, proposals=proposals)


def get_submission_receipt(*, actor: Actor, submission_id: uuid.UUID) -> FormSubmission:
    """A submission for the "thank you" page of the desk: title and time only
    are shown. Records one view entry."""
    submission = _submission_for(actor, submission_id)
    record_view(
        actor=actor, obj=submission, patient_id=submission.patient_id, detail="receipt"
    )
    return submission


def get_submission_for_change(
    *, actor: Actor, submission_id: uuid.UUID
) -> FormSubmission:
    """The submission a POST acts on (no view entry: the service records it)."""
    return _submission_for(actor, submission_id)


def read_submission_pdf(*, actor: Actor, submission_id: uuid.UUID) -> FormSubmission:
    """The submission with its PDF bytes; records the download."""
    submission = scoped_get_or_404(
        actor, FormSubmission.objects.filter(clinic=actor.clinic), pk=submission_id
    )
    record_view(
        actor=actor, obj=submission, patient_id=submission.patient_id, detail="pdf"
    )
    return submission


def get_patient_for_filling(
    *, actor: Actor, patient_id: uuid.UUID, record_access: bool
) -> Patient:
    return get_patient_for(
        actor=actor, patient_id=patient_id, record_access=record_access
    )
