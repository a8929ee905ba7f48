"""The demo clinic's procedure codes: its own local fee codes, loaded twice
through the service (last year's list, then this year's replacing it)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.demo.chart_codes import CODES, seed_procedure_codes
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Codes Demo",
        slug="codes-demo",
        email_domain="codes.example",
        patients=5,
        providers=2,
        days_back=7,
        days_ahead=1,
    )
    return generate_clinic(spec).clinic


def test_seed_procedure_codes_loads_this_years_local_list(demo_clinic: Clinic) -> None:
    # when
    today = timezone.localdate()
    seed_procedure_codes(demo_clinic, today=today)

    # then this year's codes are active, last year's extra one inactive
    codes = ProcedureCode.objects.filter(clinic=demo_clinic)
    assert set(codes.values_list("system", flat=True)) == {"local"}
    assert set(codes.filter(is_active=True).values_list("code", flat=True)) == {
        code for code, _, _ in CODES
    }
    assert list(codes.filter(is_active=False).values_list("code", flat=True)) == [
        "PT-TAPE"
    ]
    follow_up = codes.get(code="PT-FU")
    assert follow_up.short_description == "Physiotherapy follow-up treatment"
    assert follow_up.source_file_name == f"fee-codes-{today.year}.csv"
    # and two loads by the owner, each audited
    loads = ProcedureCodeLoad.objects.filter(clinic=demo_clinic).order_by("pk")
    assert [(load.added, load.updated, load.deactivated) for load in loads] == [
        (len(CODES) + 1, 0, 0),
        (0, 1, 1),
    ]
    assert all(load.loaded_by is not None for load in loads)
    assert (
        AuditEntry.objects.filter(clinic_id=demo_clinic.pk, action="load").count() == 2
    )


def test_seed_procedure_codes_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    seed_procedure_codes(demo_clinic, today=today)
    codes = ProcedureCode.objects.filter(clinic=demo_clinic).count()
    loads = ProcedureCodeLoad.objects.filter(clinic=demo_clinic).count()
    # when
    seed_procedure_codes(demo_clinic, today=today)
    # then
    assert ProcedureCode.objects.filter(clinic=demo_clinic).count() == codes
    assert ProcedureCodeLoad.objects.filter(clinic=demo_clinic).count() == loads
    assert codes == len(CODES) + 1
