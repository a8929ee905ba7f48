import datetime
import uuid

import pytest
from django.http import Http404

from practica.audit.models import AuditEntry
from practica.patients.models import Patient
from practica.patients.selectors import (
    find_likely_duplicates,
    get_patient_for,
    list_patients,
    search_patients,
)
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


@pytest.fixture
def people(clinic: Clinic) -> dict[str, Patient]:
    """A small synthetic roster exercising every search path."""
    return {
        "john": PatientFactory(
            clinic=clinic,
            first_name="John",
            last_name="Smith",
            date_of_birth=datetime.date(1975, 11, 3),
            phone="+14165550123",
            email="jsmith@example.test",
        ),
        "jane": PatientFactory(
            clinic=clinic,
            first_name="Jane",
            last_name="Smithers",
            date_of_birth=datetime.date(1988, 3, 25),
            phone="+16135550100",
            email="jane.s@example.test",
        ),
        "zoe": PatientFactory(
            clinic=clinic,
            first_name="Zoé",
            last_name="Côté",
            preferred_name="Zed",
            date_of_birth=datetime.date(2001, 7, 4),
            phone="+12125550199",
            email="ZC@Example.test",
        ),
        "obrien": PatientFactory(
            clinic=clinic,
            first_name="Liam",
            last_name="O'Brien",
            date_of_birth=datetime.date(1960, 1, 1),
            phone="",
            email="",
        ),
        "inactive": PatientFactory(
            clinic=clinic,
            first_name="John",
            last_name="Smithson",
            is_active=False,
        ),
    }


def _names(patients: list[Patient]) -> list[str]:
    return [f"{p.first_name} {p.last_name}" for p in patients]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("john smith", ["John Smith"]),
        ("Jonh Smtih", ["John Smith"]),
        ("SMITH", ["John Smith", "Jane Smithers"]),
        ("smi", ["John Smith", "Jane Smithers"]),
        ("smith j", ["John Smith", "Jane Smithers"]),
        ("jane", ["Jane Smithers"]),
        ("jnae", ["Jane Smithers"]),
        ("zoe", ["Zoé Côté"]),
        ("ZOÉ cote", ["Zoé Côté"]),
        ("zed", ["Zoé Côté"]),
        ("obrien", ["Liam O'Brien"]),
        ("o'brien", ["Liam O'Brien"]),
        ("brien liam", ["Liam O'Brien"]),
        ("smith zoe", []),
        ("xavier", []),
        ("416-555-0123", ["John Smith"]),
        ("(613) 555 0100", ["Jane Smithers"]),
        ("+1 212 555 0199", ["Zoé Côté"]),
        ("5550123", ["John Smith"]),
        ("jsmith@example.test", ["John Smith"]),
        ("JANE.S@", ["Jane Smithers"]),
        ("zc@example", ["Zoé Côté"]),
        ("1975-11-03", ["John Smith"]),
        ("25/03/1988", ["Jane Smithers"]),
        ("03/25/1988", ["Jane Smithers"]),
        ("04/07/2001", ["Zoé Côté"]),
        ("07/04/2001", ["Zoé Côté"]),
        ("31/02/2001", []),
        ("", []),
        ("   ", []),
        ("%", []),
    ],
)
def test_search_patients(
    desk: Actor, people: dict[str, Patient], query: str, expected: list[str]
) -> None:
    # when
    results = search_patients(actor=desk, query=query)

    # then
    assert _names(results) == expected


def test_search_patients_ignores_other_clinics(
    desk: Actor, other_clinic: Clinic
) -> None:
    # given
    PatientFactory(
        clinic=other_clinic,
        first_name="John",
        last_name="Smith",
        phone="+14165550123",
        email="jsmith@example.test",
        date_of_birth=datetime.date(1975, 11, 3),
    )

    # when
    found = [
        search_patients(actor=desk, query=q)
        for q in ("john smith", "jonh", "416-555-0123", "jsmith@", "1975-11-03")
    ]

    # then
    assert found == [[], [], [], [], []]


def test_search_patients_respects_limit_and_order(desk: Actor, clinic: Clinic) -> None:
    # given
    for last in ("Cruz", "De La Cruz", "Dean", "Able"):
        PatientFactory(clinic=clinic, first_name="Sam", last_name=last)

    # when
    results = search_patients(actor=desk, query="sam", limit=3)

    # then
    # "De La Cruz" sorts as "delacruz" on every database.
    assert [p.last_name for p in results] == ["Able", "Cruz", "Dean"]


@pytest.mark.parametrize("size", [3, 30])
def test_search_patients_runs_one_query_whatever_the_size(
    desk: Actor,
    clinic: Clinic,
    size: int,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    # given
    PatientFactory.create_batch(size, clinic=clinic, last_name="Smith")

    # when / then
    with django_assert_num_queries(1):
        results = search_patients(actor=desk, query="jonh smtih testfirst")
    assert results == []
    with django_assert_num_queries(1):
        assert len(search_patients(actor=desk, query="smith", limit=25)) == min(
            size, 25
        )


def test_list_patients_is_active_patients_of_the_clinic_by_name(
    desk: Actor, people: dict[str, Patient], other_clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=other_clinic, last_name="Aaron")

    # when
    patients = list(list_patients(actor=desk))

    # then
    assert _names(patients) == [
        "Zoé Côté",
        "Liam O'Brien",
        "John Smith",
        "Jane Smithers",
    ]


def test_get_patient_for_records_a_view(desk: Actor, clinic: Clinic) -> None:
    # given
    patient = PatientFactory(clinic=clinic)

    # when
    found = get_patient_for(actor=desk, patient_id=patient.id)

    # then
    assert found == patient
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.outcome, entry.patient_id, entry.object_id) == (
        "view",
        "allowed",
        patient.id,
        str(patient.id),
    )


def test_get_patient_for_without_recording(desk: Actor, clinic: Clinic) -> None:
    # given
    patient = PatientFactory(clinic=clinic)

    # when
    get_patient_for(actor=desk, patient_id=patient.id, record_access=False)

    # then
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("foreign", [True, False])
def test_get_patient_for_other_clinic_or_unknown_is_404_and_audited(
    desk: Actor, other_clinic: Clinic, foreign: bool
) -> None:
    # given
    patient_id = PatientFactory(clinic=other_clinic).id if foreign else uuid.uuid4()

    # when / then
    with pytest.raises(Http404):
        get_patient_for(actor=desk, patient_id=patient_id)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.outcome, entry.object_type, entry.object_id) == (
        "access",
        "denied",
        "patients.patient",
        str(patient_id),
    )


def test_find_likely_duplicates_by_name_and_dob_or_phone(
    desk: Actor, people: dict[str, Patient], other_clinic: Clinic
) -> None:
    # given
    PatientFactory(
        clinic=other_clinic,
        first_name="John",
        last_name="Smith",
        date_of_birth=datetime.date(1975, 11, 3),
    )

    # when
    by_name = find_likely_duplicates(
        actor=desk,
        first_name=" JOHN ",
        last_name="smith",
        date_of_birth=datetime.date(1975, 11, 3),
        phone="",
    )
    by_accentless_name = find_likely_duplicates(
        actor=desk,
        first_name="Zoe",
        last_name="Cote",
        date_of_birth=datetime.date(2001, 7, 4),
        phone="+15145550000",
    )
    by_phone = find_likely_duplicates(
        actor=desk,
        first_name="Someone",
        last_name="Else",
        date_of_birth=datetime.date(1999, 1, 1),
        phone="+16135550100",
    )
    other_dob = find_likely_duplicates(
        actor=desk,
        first_name="John",
        last_name="Smith",
        date_of_birth=datetime.date(1975, 11, 4),
        phone="",
    )
    excluded = find_likely_duplicates(
        actor=desk,
        first_name="John",
        last_name="Smith",
        date_of_birth=datetime.date(1975, 11, 3),
        phone="+14165550123",
        exclude_id=people["john"].id,
    )

    # then
    assert _names(by_name) == ["John Smith"]
    assert _names(by_accentless_name) == ["Zoé Côté"]
    assert _names(by_phone) == ["Jane Smithers"]
    assert other_dob == []
    assert excluded == []
