import datetime
from dataclasses import replace

import pytest

from practica.audit.models import AuditEntry
from practica.patients.errors import InvalidPatientDataError, PatientPermissionError
from practica.patients.models import Patient, PatientSearchKey
from practica.patients.search import name_keys
from practica.patients.services import (
    PatientData,
    register_patient,
    search_keys_for,
    update_patient,
)
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

DATA = PatientData(
    first_name="Zoé",
    last_name="O'Brien-Tremblay",
    preferred_name="Zed",
    date_of_birth=datetime.date(1990, 2, 14),
    phone="+14165550123",
    email="zoe@example.test",
    has_sms_consent=True,
)


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def _keys(patient: Patient) -> set[str]:
    return set(
        PatientSearchKey.objects.filter(patient=patient).values_list("key", flat=True)
    )


def test_register_patient_stores_keys_and_audits(desk: Actor) -> None:
    # when
    patient = register_patient(actor=desk, data=DATA)

    # then
    patient.refresh_from_db()
    assert patient.clinic_id == desk.clinic.pk
    assert patient.first_name == "Zoé"
    assert patient.first_name_key == "zoe"
    assert patient.last_name_key == "obrientremblay"
    assert patient.phone == "+14165550123"
    assert _keys(patient) == name_keys("Zoé", "O'Brien-Tremblay", "Zed")
    assert set(
        PatientSearchKey.objects.filter(patient=patient).values_list(
            "clinic_id", flat=True
        )
    ) == {desk.clinic.pk}
    entry = AuditEntry.objects.get(action="create")
    assert (entry.patient_id, entry.object_type, entry.object_id, entry.user_id) == (
        patient.id,
        "patients.patient",
        str(patient.id),
        desk.user.pk if desk.user else None,
    )


def test_register_patient_trims_text_and_lowercases_email(desk: Actor) -> None:
    # when
    patient = register_patient(
        actor=desk,
        data=replace(DATA, first_name="  Zoé ", email=" Zoe@Example.TEST "),
    )

    # then
    assert (patient.first_name, patient.email) == ("Zoé", "zoe@example.test")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": " "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"date_of_birth": datetime.date(2999, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": datetime.date(1899, 12, 31)}, "date_of_birth"),
        ({"sex": "robot"}, "sex"),
        ({"phone": "416-555-0123"}, "phone"),
        ({"emergency_contact_phone": "+1555"}, "emergency_contact_phone"),
        ({"phone": "", "has_sms_consent": True}, "has_sms_consent"),
        ({"email": "", "has_email_consent": True}, "has_email_consent"),
    ],
)
def test_register_patient_rejects_invalid_data_and_changes_nothing(
    desk: Actor, changes: dict[str, object], field: str
) -> None:
    # when
    with pytest.raises(InvalidPatientDataError) as caught:
        register_patient(actor=desk, data=replace(DATA, **changes))

    # then
    assert caught.value.field == field
    assert Patient.objects.count() == 0
    assert AuditEntry.objects.filter(action="create").count() == 0


def test_register_patient_needs_edit_permission(clinic: Clinic) -> None:
    # given
    billing = actor_for(make_member(clinic, [BILLING]))

    # when / then
    with pytest.raises(PatientPermissionError):
        register_patient(actor=billing, data=DATA)
    assert Patient.objects.count() == 0


def test_update_patient_rebuilds_keys_and_audits_changed_fields(desk: Actor) -> None:
    # given
    patient = register_patient(actor=desk, data=DATA)

    # when
    update_patient(
        actor=desk,
        patient=patient,
        data=replace(DATA, first_name="Chloé", preferred_name="", city="Ottawa"),
    )

    # then
    patient.refresh_from_db()
    assert (patient.first_name, patient.first_name_key, patient.city) == (
        "Chloé",
        "chloe",
        "Ottawa",
    )
    assert _keys(patient) == name_keys("Chloé", "O'Brien-Tremblay")
    entry = AuditEntry.objects.get(action="update")
    assert entry.patient_id == patient.id
    assert entry.detail == "changed: first_name, preferred_name, city"


def test_update_patient_invalid_data_changes_nothing(desk: Actor) -> None:
    # given
    patient = register_patient(actor=desk, data=DATA)

    # when
    with pytest.raises(InvalidPatientDataError):
        update_patient(
            actor=desk, patient=patient, data=replace(DATA, first_name="", city="X")
        )

    # then
    patient.refresh_from_db()
    assert (patient.first_name, patient.city) == ("Zoé", "")
    assert AuditEntry.objects.filter(action="update").count() == 0


def test_update_patient_refuses_a_patient_of_another_clinic(
    desk: Actor, other_clinic: Clinic
) -> None:
    # given
    foreign = PatientFactory(clinic=other_clinic, first_name="Keep")

    # when / then
    with pytest.raises(PatientPermissionError):
        update_patient(actor=desk, patient=foreign, data=DATA)
    foreign.refresh_from_db()
    assert foreign.first_name == "Keep"


def test_update_patient_needs_edit_permission(clinic: Clinic, desk: Actor) -> None:
    # given
    patient = register_patient(actor=desk, data=DATA)
    billing = actor_for(make_member(clinic, [BILLING]))

    # when / then
    with pytest.raises(PatientPermissionError):
        update_patient(actor=billing, patient=patient, data=replace(DATA, city="X"))


def test_search_keys_for_builds_unsaved_rows(clinic: Clinic) -> None:
    # given
    patient = PatientFactory(clinic=clinic, first_name="Jo", last_name="Smith")

    # when
    rows = search_keys_for(patient)

    # then
    assert [r.key for r in rows] == sorted(name_keys("Jo", "Smith"))
    assert {(r.clinic_id, r.patient_id, r.pk) for r in rows} == {
        (clinic.pk, patient.id, None)
    }
