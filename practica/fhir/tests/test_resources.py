"""Each mapper: the resource parses as FHIR R4(B), with the right codes,
systems and statuses, entered-in-error rows included with that status."""

from __future__ import annotations

import base64
import datetime
import hashlib
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from practica.charting.models import ENTERED_IN_ERROR, AlertCategory, MedicalHistory
from practica.charting.tests.factories import (
    AllergyFactory,
    ChartAlertFactory,
    ImmunizationFactory,
    MedicalHistoryFactory,
    MedicationFactory,
    NoteAddendumFactory,
    ProblemFactory,
    SignedNoteFactory,
    VitalSignsFactory,
)
from practica.documents.tests.factories import DocumentFactory, make_pdf, make_png
from practica.fhir import systems
from practica.fhir.datatypes import Resource
from practica.fhir.history import to_fhir as history_to_fhir
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
    organization,
    practitioner,
)
from practica.fhir.resources import (
    patient as patient_resource,
)
from practica.fhir.tests.validate import parse
from practica.intake.tests.factories import FormSubmissionFactory
from practica.labs.tests.factories import LabResultFactory
from practica.outcomes.models import ResponseErrorMark
from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.plans.tests.factories import (
    GoalFactory,
    GoalProgressFactory,
    MeasureGoalFactory,
    TreatmentPlanFactory,
)
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory, make_provider
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


def _codings(concept: object) -> list[tuple[str, str]]:
    assert isinstance(concept, dict)
    codings = concept["coding"]
    assert isinstance(codings, list)
    return [(c["system"], c["code"]) for c in codings if isinstance(c, dict)]


def test_patient_carries_demographics_and_emergency_contact(clinic: Clinic) -> None:
    # given
    patient = PatientFactory(
        clinic=clinic,
        first_name="Avery",
        last_name="Testcase",
        preferred_name="Ave",
        date_of_birth=datetime.date(1980, 4, 2),
        sex=Patient.Sex.FEMALE,
        phone="+14165550100",
        email="avery@example.test",
        city="Toronto",
        emergency_contact_name="Sam Testcase",
        emergency_contact_phone="+14165550101",
    )
    # when
    resource = patient_resource.to_fhir(patient)
    # then
    parse(resource)
    assert resource["id"] == str(patient.pk)
    assert resource["gender"] == "female"
    assert resource["birthDate"] == "1980-04-02"
    assert resource["name"] == [
        {
            "use": "official",
            "text": "Avery Testcase",
            "family": "Testcase",
            "given": ["Avery"],
        },
        {"use": "usual", "given": ["Ave"]},
    ]
    assert {"system": "email", "value": "avery@example.test"} in resource["telecom"]
    contact = resource["contact"][0]
    assert contact["name"] == {"text": "Sam Testcase"}
    assert _codings(contact["relationship"][0]) == [(systems.V2_CONTACT_ROLE, "C")]
    assert resource["managingOrganization"]["reference"] == (
        f"urn:uuid:{organization.fhir_id(clinic.pk)}"
    )


@pytest.mark.parametrize("sex", list(Patient.Sex.values))
def test_every_sex_is_a_fhir_gender(clinic: Clinic, sex: str) -> None:
    parse(patient_resource.to_fhir(PatientFactory(clinic=clinic, sex=sex)))


@pytest.mark.parametrize(
    ("status", "clinical"),
    [("active", "active"), ("resolved", "resolved"), ("inactive", "inactive")],
)
def test_problem_is_an_icd10cm_condition(
    clinic: Clinic, status: str, clinical: str
) -> None:
    # given
    problem = ProblemFactory(clinic=clinic, status=status, note="Worse on stairs")
    # when
    resource = condition.to_fhir(problem)
    # then
    parse(resource)
    assert _codings(resource["code"]) == [(systems.ICD10CM, "M54.50")]
    assert systems.ICD10CM == "http://hl7.org/fhir/sid/icd-10-cm"
    assert _codings(resource["clinicalStatus"]) == [
        (systems.CONDITION_CLINICAL, clinical)
    ]
    assert _codings(resource["verificationStatus"]) == [
        (systems.CONDITION_VERIFICATION, "confirmed")
    ]
    assert resource["onsetDateTime"] == "2026-01-05"
    assert resource["note"] == [{"text": "Worse on stairs"}]


def test_problem_entered_in_error_has_that_status_and_no_clinical_status(
    clinic: Clinic,
) -> None:
    problem = ProblemFactory(
        clinic=clinic, status=ENTERED_IN_ERROR, status_reason="Wrong patient"
    )
    resource = condition.to_fhir(problem)
    parse(resource)
    assert "clinicalStatus" not in resource
    assert _codings(resource["verificationStatus"]) == [
        (systems.CONDITION_VERIFICATION, "entered-in-error")
    ]
    assert resource["note"] == [{"text": "Wrong patient"}]


def test_allergy_keeps_reaction_severity_and_criticality(clinic: Clinic) -> None:
    allergy = AllergyFactory(
        clinic=clinic, substance="Penicillin", severity="life_threatening"
    )
    resource = allergy_intolerance.to_fhir(allergy)
    parse(resource)
    assert resource["code"] == {"text": "Penicillin"}
    assert resource["criticality"] == "high"
    assert resource["reaction"] == [
        {"manifestation": [{"text": "Hives"}], "severity": "severe"}
    ]
    assert _codings(resource["clinicalStatus"]) == [
        (systems.ALLERGY_CLINICAL, "active")
    ]


def test_allergy_entered_in_error(clinic: Clinic) -> None:
    allergy = AllergyFactory(clinic=clinic, status=ENTERED_IN_ERROR, reaction="")
    resource = allergy_intolerance.to_fhir(allergy)
    parse(resource)
    assert "clinicalStatus" not in resource
    assert "reaction" not in resource
    assert _codings(resource["verificationStatus"]) == [
        (systems.ALLERGY_VERIFICATION, "entered-in-error")
    ]


def test_flag_carries_the_alert_category_priority_and_expiry(
    clinic: Clinic,
) -> None:
    # given
    alert = ChartAlertFactory(
        clinic=clinic,
        category="self_harm_risk",
        severity="critical",
        text="PHQ-9 item 9 positive",
        expires_on=datetime.date(2026, 6, 30),
    )
    # when
    resource = flag.to_fhir(alert)
    # then
    parse(resource)
    assert resource["status"] == "active"
    assert _codings(resource["category"][0]) == [(systems.FLAG_CATEGORY, "behavioral")]
    assert resource["code"] == {
        "coding": [
            {
                "system": systems.LOCAL_ALERT_CATEGORY,
                "code": "self_harm_risk",
                "display": "Suicide or self-harm risk",
            }
        ],
        "text": "Suicide or self-harm risk: PHQ-9 item 9 positive",
    }
    (extension,) = resource["extension"]
    assert extension["url"] == systems.FLAG_PRIORITY_EXTENSION
    assert _codings(extension["valueCodeableConcept"]) == [
        (systems.FLAG_PRIORITY, "PH")
    ]
    assert resource["period"]["end"] == "2026-06-30"
    assert resource["subject"] == patient_resource.ref(alert.patient_id)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("inactive", "inactive"), (ENTERED_IN_ERROR, "entered-in-error")],
)
@pytest.mark.parametrize("category", [c.value for c in AlertCategory])
def test_every_alert_category_and_status_is_a_valid_flag(
    clinic: Clinic, category: str, status: str, expected: str
) -> None:
    alert = ChartAlertFactory(
        clinic=clinic, category=category, status=status, text="Detail"
    )
    resource = flag.to_fhir(alert)
    parse(resource)
    assert resource["status"] == expected
    assert "end" not in resource["period"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", "active"),
        ("stopped", "stopped"),
        (ENTERED_IN_ERROR, "entered-in-error"),
    ],
)
def test_medication_statement(clinic: Clinic, status: str, expected: str) -> None:
    medication = MedicationFactory(
        clinic=clinic,
        status=status,
        stop_on=datetime.date(2025, 9, 1),
        prescriber="Dr Example",
    )
    resource = medication_statement.to_fhir(medication)
    parse(resource)
    assert resource["status"] == expected
    assert resource["effectivePeriod"] == {"start": "2025-06-01", "end": "2025-09-01"}
    assert resource["dosage"][0]["text"] == "10 mg oral once daily"
    assert resource["dosage"][0]["route"] == {"text": "oral"}
    assert {"text": "Prescriber: Dr Example"} in resource["note"]


def test_immunization_is_cvx_coded(clinic: Clinic) -> None:
    shot = ImmunizationFactory(clinic=clinic)
    resource = immunization.to_fhir(shot)
    parse(resource)
    assert _codings(resource["vaccineCode"]) == [("http://hl7.org/fhir/sid/cvx", "158")]
    assert resource["status"] == "completed"
    assert resource["occurrenceDateTime"] == "2025-10-15"
    assert resource["lotNumber"] == "LOT123"
    assert resource["site"] == {"text": "left deltoid"}


def test_immunization_entered_in_error(clinic: Clinic) -> None:
    resource = immunization.to_fhir(
        ImmunizationFactory(clinic=clinic, status=ENTERED_IN_ERROR)
    )
    parse(resource)
    assert resource["status"] == "entered-in-error"


def _by_loinc(resources: list[Resource]) -> dict[str, Resource]:
    out = {}
    for resource in resources:
        ((system, code),) = _codings(resource["code"])
        assert system == "http://loinc.org"
        out[code] = resource
    return out


def test_vital_signs_follow_the_vital_signs_profile(clinic: Clinic) -> None:
    # given every measurement
    vitals = VitalSignsFactory(
        clinic=clinic,
        systolic=128,
        diastolic=82,
        pulse=71,
        temperature_c=Decimal("37.2"),
        respiratory_rate=14,
        spo2=98,
        height_cm=Decimal("170.0"),
        weight_kg=Decimal("72.5"),
    )
    # when
    resources = observation.vital_signs(vitals)
    # then: one Observation per measurement, LOINC code and UCUM unit
    for resource in resources:
        parse(resource)
        assert _codings(resource["category"][0]) == [
            (systems.OBSERVATION_CATEGORY, "vital-signs")
        ]
        assert resource["status"] == "final"
    by_code = _by_loinc(resources)
    units = {
        code: (r["valueQuantity"]["value"], r["valueQuantity"]["code"])
        for code, r in by_code.items()
        if "valueQuantity" in r
    }
    assert units == {
        "8867-4": (71, "/min"),
        "8310-5": (37.2, "Cel"),
        "9279-1": (14, "/min"),
        "2708-6": (98, "%"),
        "8302-2": (170, "cm"),
        "29463-7": (72.5, "kg"),
        "39156-5": (25.1, "kg/m2"),
    }
    pressure = by_code["85354-9"]["component"]
    assert [
        (_codings(c["code"])[0][1], c["valueQuantity"]["value"]) for c in pressure
    ] == [
        ("8480-6", 128),
        ("8462-4", 82),
    ]
    assert {c["valueQuantity"]["code"] for c in pressure} == {"mm[Hg]"}
    assert {c["valueQuantity"]["system"] for c in pressure} == {systems.UCUM}
    assert len({r["id"] for r in resources}) == len(resources) == 8


def test_vital_signs_in_error_and_partial(clinic: Clinic) -> None:
    vitals = VitalSignsFactory(
        clinic=clinic, systolic=None, diastolic=None, pulse=60, status=ENTERED_IN_ERROR
    )
    resources = observation.vital_signs(vitals)
    assert [r["status"] for r in resources] == ["entered-in-error"]
    parse(resources[0])


@pytest.mark.parametrize(
    ("code", "loinc"), [("phq9", "44261-6"), ("gad7", "70274-6"), ("nprs", "72514-3")]
)
def test_outcome_scores_carry_loinc_where_it_exists(
    clinic: Clinic, code: str, loinc: str
) -> None:
    response = MeasureResponseFactory(
        clinic=clinic, measure_code=code, score=Decimal(7), band="Mild"
    )
    resource = observation.outcome_score(response)
    parse(resource)
    assert _codings(resource["code"]) == [
        (systems.LOINC, loinc),
        (systems.LOCAL_OUTCOME_MEASURE, code),
    ]
    assert resource["valueQuantity"]["value"] == 7
    assert resource["interpretation"] == [{"text": "Mild"}]
    assert _codings(resource["category"][0]) == [
        (systems.OBSERVATION_CATEGORY, "survey")
    ]


def test_outcome_without_loinc_uses_the_local_code_and_keeps_answers(
    clinic: Clinic,
) -> None:
    response = MeasureResponseFactory(
        clinic=clinic,
        measure_code="odi",
        answers={"q1": 2, "q2": None},
        score=Decimal("20.0"),
        band="Minimal",
    )
    resource = observation.outcome_score(response)
    parse(resource)
    assert _codings(resource["code"]) == [(systems.LOCAL_OUTCOME_MEASURE, "odi")]
    assert resource["valueQuantity"]["code"] == "%"
    assert resource["component"][0]["valueInteger"] == 2
    assert "dataAbsentReason" in resource["component"][1]


def test_outcome_entered_in_error(clinic: Clinic) -> None:
    response = MeasureResponseFactory(clinic=clinic)
    ResponseErrorMark.objects.create(clinic=clinic, response=response, reason="Typo")
    response.refresh_from_db()
    resource = observation.outcome_score(response)
    parse(resource)
    assert resource["status"] == "entered-in-error"
    assert {"text": "Typo"} in resource["note"]


@pytest.mark.parametrize(
    ("kind", "resource_type"),
    [
        (MedicalHistory.Kind.PAST_CONDITION, "Condition"),
        (MedicalHistory.Kind.SURGERY, "Procedure"),
        (MedicalHistory.Kind.FAMILY, "FamilyMemberHistory"),
        (MedicalHistory.Kind.SOCIAL, "Observation"),
    ],
)
@pytest.mark.parametrize("status", ["active", ENTERED_IN_ERROR])
def test_history_entries_map_by_kind(
    clinic: Clinic, kind: str, resource_type: str, status: str
) -> None:
    entry = MedicalHistoryFactory(clinic=clinic, kind=kind, status=status)
    resource = history_to_fhir(entry)
    parse(resource)
    assert resource["resourceType"] == resource_type
    assert "Appendectomy" in str(resource)


def test_signed_note_with_addendum_is_an_amended_composition(clinic: Clinic) -> None:
    # given a signed note and one addendum
    note = SignedNoteFactory(clinic=clinic)
    addendum = NoteAddendumFactory(
        clinic=clinic, note=note, text="Pain <worse> & sharp"
    )
    # when
    resource = composition.to_fhir(note, [addendum])
    # then
    parse(resource)
    assert resource["status"] == "amended"
    assert _codings(resource["type"]) == [(systems.LOINC, "11506-3")]
    assert resource["attester"][0]["mode"] == "legal"
    assert resource["attester"][0]["party"] == {"display": note.signed_by.full_name}
    assert resource["author"][0]["reference"] == (
        f"urn:uuid:{practitioner.fhir_id(note.provider_id)}"
    )
    assert resource["encounter"] == {"reference": f"urn:uuid:{note.appointment_id}"}
    titles = [s["title"] for s in resource["section"]]
    assert titles[-1].startswith("Addendum ")
    divs = [s["text"]["div"] for s in resource["section"]]
    for div in divs:  # each narrative is well-formed XHTML in a div
        root = ElementTree.fromstring(div)
        assert root.tag == "{http://www.w3.org/1999/xhtml}div"
    text = " ".join(divs)
    assert "Left knee pain on stairs" in text
    assert "Pain &lt;worse&gt; &amp; sharp" in text


def test_draft_note_is_preliminary_and_unsigned(clinic: Clinic) -> None:
    note = SignedNoteFactory(clinic=clinic)
    note.status = "draft"
    resource = composition.to_fhir(note, [])
    parse(resource)
    assert resource["status"] == "preliminary"


def test_signed_note_without_addenda_is_final(clinic: Clinic) -> None:
    resource = composition.to_fhir(SignedNoteFactory(clinic=clinic), [])
    parse(resource)
    assert resource["status"] == "final"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(make_pdf("Synthetic letter"), "application/pdf"), (make_png(), "image/png")],
)
def test_document_data_round_trips_to_the_same_bytes(
    clinic: Clinic, content: bytes, content_type: str
) -> None:
    document = DocumentFactory(
        clinic=clinic, content=content, content_type=content_type
    )
    resource = document_reference.to_fhir(document, content)
    parse(resource)
    attachment = resource["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == content
    assert (
        attachment["hash"] == base64.b64encode(hashlib.sha1(content).digest()).decode()
    )
    assert attachment["size"] == len(content)
    assert attachment["contentType"] == content_type
    assert resource["status"] == "current"
    assert resource["description"] == document.title


def test_document_entered_in_error(clinic: Clinic) -> None:
    document = DocumentFactory(
        clinic=clinic, is_entered_in_error=True, entered_in_error_reason="Wrong chart"
    )
    resource = document_reference.to_fhir(document, make_pdf())
    parse(resource)
    assert resource["status"] == "entered-in-error"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Appointment.Status.COMPLETED, "finished"),
        (Appointment.Status.BOOKED, "planned"),
        (Appointment.Status.NO_SHOW, "cancelled"),
    ],
)
def test_appointment_is_an_encounter(
    clinic: Clinic, status: str, expected: str
) -> None:
    appointment = AppointmentFactory(clinic=clinic, status=status)
    resource = encounter.to_fhir(appointment)
    parse(resource)
    assert resource["status"] == expected
    assert resource["class"]["code"] == "AMB"
    assert resource["participant"][0]["individual"]["reference"] == (
        f"urn:uuid:{practitioner.fhir_id(appointment.provider_id)}"
    )


def test_practitioner_and_organization(clinic: Clinic) -> None:
    provider = make_provider(clinic)
    parse(practitioner.to_fhir(provider))
    parse(organization.to_fhir(clinic))
    assert organization.to_fhir(clinic)["id"] == organization.fhir_id(clinic.pk)


def test_lab_result_is_a_loinc_laboratory_observation(clinic: Clinic) -> None:
    result = LabResultFactory(clinic=clinic, comment="Fasting")
    resource = lab_observation.to_fhir(result)
    parse(resource)
    assert _codings(resource["code"]) == [(systems.LOINC, "4548-4")]
    assert _codings(resource["category"][0]) == [
        (systems.OBSERVATION_CATEGORY, "laboratory")
    ]
    assert resource["valueQuantity"] == {"value": 6.1, "unit": "%"}
    assert resource["referenceRange"] == [
        {
            "low": {"value": 4, "unit": "%"},
            "high": {"value": 5.6, "unit": "%"},
            "text": "4-5.6",
        }
    ]
    assert _codings(resource["interpretation"][0]) == [
        (lab_observation.INTERPRETATION, "H")
    ]
    assert resource["status"] == "final"


def test_lab_result_text_value_and_error(clinic: Clinic) -> None:
    result = LabResultFactory(
        clinic=clinic,
        value="Positive",
        value_number=None,
        unit="",
        reference_low=None,
        reference_high=None,
        flag="A",
        status="entered_in_error",
        error_reason="Other patient's sample",
        marked_in_error_at=timezone.now(),
    )
    resource = lab_observation.to_fhir(result)
    parse(resource)
    assert resource["valueString"] == "Positive"
    assert resource["status"] == "entered-in-error"
    assert {"text": "Other patient's sample"} in resource["note"]


def test_treatment_plan_is_a_care_plan_with_goals(clinic: Clinic) -> None:
    # given a plan treating one problem, a metric goal with progress, and an
    # outcome-measure goal
    plan = TreatmentPlanFactory(clinic=clinic, status="discontinued")
    problem = ProblemFactory(clinic=clinic, patient=plan.patient)
    metric = GoalFactory(clinic=clinic, plan=plan, status="met")
    progress = GoalProgressFactory(clinic=clinic, goal=metric)
    nprs = MeasureGoalFactory(clinic=clinic, plan=plan)
    # when
    resource = care_plan.to_fhir(
        plan, problem_ids=[problem.pk], goal_ids=[metric.pk, nprs.pk]
    )
    metric_goal = goal.to_fhir(
        metric, patient_id=plan.patient_id, progress_ids=[progress.pk]
    )
    nprs_goal = goal.to_fhir(nprs, patient_id=plan.patient_id)
    value = observation.goal_progress(progress, goal=metric, patient_id=plan.patient_id)
    # then
    for item in (resource, metric_goal, nprs_goal, value):
        parse(item)
    assert resource["status"] == "revoked"
    assert resource["intent"] == "plan"
    assert resource["addresses"] == [{"reference": f"urn:uuid:{problem.pk}"}]
    assert resource["description"] == "12 planned visits, 2 per week for 6 weeks"
    assert metric_goal["lifecycleStatus"] == "completed"
    assert metric_goal["target"][0]["detailQuantity"] == {
        "value": 130,
        "unit": "degrees",
    }
    assert metric_goal["outcomeReference"] == [{"reference": f"urn:uuid:{progress.pk}"}]
    assert (systems.LOINC, "72514-3") in _codings(nprs_goal["target"][0]["measure"])
    assert value["valueQuantity"] == {"value": 100, "unit": "degrees"}


@pytest.mark.parametrize("is_superseded", [False, True])
def test_form_submission_is_a_document_reference_with_its_pdf(
    clinic: Clinic, is_superseded: bool
) -> None:
    submission = FormSubmissionFactory(clinic=clinic, signer_name="Pat Signer")
    resource = document_reference.form_submission(
        submission, is_superseded=is_superseded
    )
    parse(resource)
    attachment = resource["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]) == bytes(submission.pdf)
    assert attachment["contentType"] == "application/pdf"
    assert resource["status"] == ("superseded" if is_superseded else "current")
    assert "signed by Pat Signer" in resource["description"]
