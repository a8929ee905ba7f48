"""Answers propose chart entries; only a clinician's acceptance adds them,
through the charting services, and each decision is recorded once."""

from __future__ import annotations

import pytest

from practica.audit.models import AuditEntry
from practica.charting.models import Allergy, MedicalHistory, Medication, Problem
from practica.intake.errors import (
    FormPermissionError,
    InvalidFormError,
    SubmissionLockedError,
)
from practica.intake.mapping import proposals_for
from practica.intake.models import FormSubmission, MappingDecision
from practica.intake.services import decide_proposal, submit_form
from practica.intake.shipped_forms import HEALTH_HISTORY
from practica.intake.tests.helpers import posted
from practica.patients.models import Patient
from practica.tenancy.actor import Actor

pytestmark = pytest.mark.django_db


def _history(actor: Actor, patient: Patient) -> FormSubmission:
    return submit_form(
        actor=actor,
        patient=patient,
        form_key=HEALTH_HISTORY.key,
        version=1,
        data=posted(
            {
                "conditions": ["High blood pressure", "Asthma"],
                "surgeries": "Knee arthroscopy 2019\n\n",
                "medications": "Metformin 500 mg twice daily",
                "allergies": "Penicillin - rash\nLatex (hives)",
                "smoking": "Former",
            }
        ),
    )


def test_proposals_follow_the_answers() -> None:
    # when
    proposals = proposals_for(
        list(HEALTH_HISTORY.fields),
        {
            "conditions": ["Asthma"],
            "allergies": "Penicillin - rash\nLatex (hives)",
            "medications": "Metformin 500 mg twice daily",
            "smoking": "Never",
            "other_conditions": "",
        },
    )
    # then
    summary = [(p.key, p.target, p.suggested) for p in proposals]
    assert summary == [
        ("conditions:0", "problem", {"code": "J45.909", "note": "Asthma"}),
        (
            "medications:0",
            "medication",
            {"name": "Metformin", "dose": "500 mg twice daily"},
        ),
        (
            "allergies:0",
            "allergy",
            {"substance": "Penicillin", "reaction": "rash", "severity": ""},
        ),
        (
            "allergies:1",
            "allergy",
            {"substance": "Latex", "reaction": "hives", "severity": ""},
        ),
        ("smoking:0", "history:social", {"text": "Smoking: Never"}),
    ]


def test_nothing_lands_in_the_chart_without_acceptance(
    front_desk_actor: Actor, patient: Patient
) -> None:
    # when the patient submits a health history
    _history(front_desk_actor, patient)
    # then the chart is untouched
    assert not Allergy.objects.filter(patient=patient).exists()
    assert not Medication.objects.filter(patient=patient).exists()
    assert not Problem.objects.filter(patient=patient).exists()
    assert not MedicalHistory.objects.filter(patient=patient).exists()


def test_accepting_an_allergy_adds_it_with_the_clinicians_values(
    front_desk_actor: Actor, provider_actor: Actor, patient: Patient
) -> None:
    # given
    submission = _history(front_desk_actor, patient)
    # when
    decision = decide_proposal(
        actor=provider_actor,
        submission=submission,
        proposal_key="allergies:0",
        accept=True,
        values={"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"},
    )
    # then
    allergy = Allergy.objects.get(patient=patient)
    assert (allergy.substance, allergy.reaction, allergy.severity) == (
        "Penicillin",
        "Rash",
        "moderate",
    )
    assert allergy.recorded_by == provider_actor.membership
    assert decision.decision == MappingDecision.Decision.ACCEPTED
    assert decision.chart_entry_id == allergy.pk
    assert AuditEntry.objects.filter(
        action="accept", object_id=str(decision.pk)
    ).exists()


@pytest.mark.parametrize(
    ("key", "values", "model"),
    [
        ("conditions:0", {"code": "I10"}, Problem),
        ("medications:0", {"name": "Metformin", "dose": "500 mg"}, Medication),
        ("surgeries:0", {"text": "Knee arthroscopy 2019"}, MedicalHistory),
    ],
)
def test_accepting_other_lists(
    front_desk_actor: Actor,
    provider_actor: Actor,
    patient: Patient,
    key: str,
    values: dict[str, str],
    model: type[Problem | Medication | MedicalHistory],
) -> None:
    submission = _history(front_desk_actor, patient)
    decide_proposal(
        actor=provider_actor,
        submission=submission,
        proposal_key=key,
        accept=True,
        values=values,
    )
    assert model.objects.filter(patient=patient).count() == 1


def test_dismissing_adds_nothing_and_is_final(
    front_desk_actor: Actor, provider_actor: Actor, patient: Patient
) -> None:
    # given
    submission = _history(front_desk_actor, patient)
    # when
    decide_proposal(
        actor=provider_actor,
        submission=submission,
        proposal_key="allergies:1",
        accept=False,
    )
    # then
    assert not Allergy.objects.filter(patient=patient).exists()
    with pytest.raises(SubmissionLockedError):
        decide_proposal(
            actor=provider_actor,
            submission=submission,
            proposal_key="allergies:1",
            accept=True,
            values={"substance": "Latex", "severity": "mild"},
        )
    assert not Allergy.objects.filter(patient=patient).exists()


def test_a_bad_acceptance_names_the_field_and_writes_nothing(
    front_desk_actor: Actor, provider_actor: Actor, patient: Patient
) -> None:
    submission = _history(front_desk_actor, patient)
    with pytest.raises(InvalidFormError) as caught:
        decide_proposal(
            actor=provider_actor,
            submission=submission,
            proposal_key="conditions:0",
            accept=True,
            values={"code": "NOPE"},
        )
    assert caught.value.errors["code"] == [
        "ICD-10 code: choose a code from the ICD-10-CM list."
    ]
    assert not MappingDecision.objects.exists()
    assert not Problem.objects.exists()


def test_front_desk_cannot_decide(front_desk_actor: Actor, patient: Patient) -> None:
    submission = _history(front_desk_actor, patient)
    with pytest.raises(FormPermissionError):
        decide_proposal(
            actor=front_desk_actor,
            submission=submission,
            proposal_key="allergies:0",
            accept=False,
        )
