"""The demo clinic's outcome measures: improving series for physio and
counselling patients, scored through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from practica.demo.chart_outcomes import seed_outcomes
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.outcomes.models import MeasureResponse
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Outcomes Demo",
        slug="outcomes-demo",
        email_domain="outcomes.example",
        patients=40,
        providers=6,
        days_back=70,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def _series(clinic: Clinic, code: str) -> dict[object, list[Decimal]]:
    series: dict[object, list[Decimal]] = {}
    for response in MeasureResponse.objects.filter(
        clinic=clinic, measure_code=code
    ).order_by("taken_on", "created_at"):
        series.setdefault(response.patient_id, []).append(response.score)
    return series


def test_seed_outcomes_records_improving_series(demo_clinic: Clinic) -> None:
    # when
    seed_outcomes(demo_clinic, today=timezone.localdate())

    # then: pain falls for every physio patient; ODI falls, LEFS rises
    nprs = _series(demo_clinic, "nprs")
    assert len(nprs) >= 2
    for scores in nprs.values():
        assert len(scores) >= 2
        assert scores[-1] < scores[0]
    for scores in _series(demo_clinic, "odi").values():
        assert scores[-1] < scores[0]
    for scores in _series(demo_clinic, "lefs").values():
        assert scores[-1] > scores[0]
    # and mood scores fall for the counselling clients, one flagged once
    phq9 = _series(demo_clinic, "phq9")
    assert len(phq9) >= 1
    for scores in phq9.values():
        assert scores[-1] < scores[0]
    flagged = MeasureResponse.objects.filter(
        clinic=demo_clinic, measure_code="phq9"
    ).exclude(flags=[])
    assert flagged.count() == 1
    assert (
        MeasureResponse.objects.filter(
            clinic=demo_clinic, recorded_by__isnull=True
        ).count()
        == 0
    )
    assert not MeasureResponse.objects.filter(
        clinic=demo_clinic, taken_on__gte=timezone.localdate()
    ).exists()


def test_seed_outcomes_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    seed_outcomes(demo_clinic, today=today)
    before = MeasureResponse.objects.filter(clinic=demo_clinic).count()
    # when
    seed_outcomes(demo_clinic, today=today)
    # then
    assert MeasureResponse.objects.filter(clinic=demo_clinic).count() == before
    assert before > 0
