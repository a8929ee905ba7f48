"""The export reads a fixed number of queries whatever the size of the chart:
each section is one query (notes two: their addenda are prefetched)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

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
from practica.documents.tests.factories import DocumentFactory
from practica.intake.tests.factories import FormSubmissionFactory
from practica.labs.tests.factories import LabResultFactory
from practica.outcomes.models import ResponseErrorMark
from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.plans.tests.factories import (
    GoalFactory,
    GoalProgressFactory,
    PlanDiagnosisFactory,
    TreatmentPlanFactory,
)
from practica.reports.export import BUNDLE, PDF, build_bundle, load_record
from practica.reports.export_pdf import render_record_html
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import PROVIDER
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db

# The patient; problems, allergies, chart alerts, medications, immunizations,
# vital signs, history, outcome responses, visits, lab results, plans (with
# diagnoses, goals, goal progress), notes (with addenda), forms, documents,
# providers; the first location's time zone; the audit entry (savepoint, lock
# the chain, insert, move the chain head, release).
EXPORT_QUERIES = 26


def _chart(clinic: Clinic, patient: Patient, size: int) -> None:
    for n in range(size):
        note = SignedNoteFactory(clinic=clinic, appointment__patient=patient)
        NoteAddendumFactory(clinic=clinic, note=note)
        ProblemFactory(clinic=clinic, patient=patient)
        AllergyFactory(clinic=clinic, patient=patient)
        ChartAlertFactory(clinic=clinic, patient=patient)
        MedicationFactory(clinic=clinic, patient=patient)
        ImmunizationFactory(clinic=clinic, patient=patient)
        VitalSignsFactory(clinic=clinic, patient=patient, temperature_c=Decimal(37))
        MedicalHistoryFactory(clinic=clinic, patient=patient)
        response = MeasureResponseFactory(
            clinic=clinic,
            patient=patient,
            taken_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
        ResponseErrorMark.objects.create(clinic=clinic, response=response, reason="x")
        DocumentFactory(clinic=clinic, patient=patient)
        LabResultFactory(clinic=clinic, patient=patient)
        plan = TreatmentPlanFactory(clinic=clinic, patient=patient)
        PlanDiagnosisFactory(
            clinic=clinic,
            plan=plan,
            problem=ProblemFactory(clinic=clinic, patient=patient),
        )
        GoalProgressFactory(goal=GoalFactory(plan=plan, clinic=clinic), clinic=clinic)
        FormSubmissionFactory(clinic=clinic, patient=patient)


@pytest.fixture
def actor(clinic: Clinic, member_factory: Callable[..., Membership]) -> Actor:
    return actor_for(member_factory(clinic, [PROVIDER]))


def _export_queries(actor: Actor, patient: Patient, export_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        record = load_record(
            actor=actor,
            patient_id=patient.pk,
            export_format=export_format,
            now=timezone.now(),
        )
        if export_format == BUNDLE:
            build_bundle(record)
        else:
            render_record_html(record)
    return len(queries)


@pytest.mark.parametrize("export_format", [PDF, BUNDLE])
def test_query_count_does_not_grow_with_the_chart(
    clinic: Clinic, actor: Actor, export_format: str
) -> None:
    # given a chart with one of everything and one with six of everything
    small = PatientFactory(clinic=clinic)
    large = PatientFactory(clinic=clinic)
    _chart(clinic, small, 1)
    _chart(clinic, large, 6)
    _export_queries(actor, small, export_format)  # creates the audit chain
    # when
    counts = [_export_queries(actor, p, export_format) for p in (small, large)]
    # then
    assert counts == [EXPORT_QUERIES, EXPORT_QUERIES]


def test_exact_export_queries(
    clinic: Clinic,
    actor: Actor,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    _chart(clinic, patient, 3)
    _export_queries(actor, patient, BUNDLE)
    # when / then
    with django_assert_num_queries(EXPORT_QUERIES):
        record = load_record(
            actor=actor, patient_id=patient.pk, export_format=BUNDLE, now=timezone.now()
        )
        build_bundle(record)
