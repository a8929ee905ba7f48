"""Loading a clinic's procedure code list: add, update, replace, refuse a bad
file whole, audit each load, and keep each clinic's list to itself."""

from __future__ import annotations

import pytest

from practica.audit.models import AuditEntry
from practica.billing.errors import (
    BillingError,
    CodeFileError,
    CodeListPermissionError,
)
from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.billing.services_codes import clean_file_name, load_procedure_codes
from practica.billing.tests.factories import load_codes
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING
from practica.tenancy.tests.factories import actor_for, make_member

pytestmark = pytest.mark.django_db

FIRST = (
    "code,description,long description\n"
    "PT-IA,Physiotherapy initial assessment,History and examination\n"
    "PT-FU,Physiotherapy follow-up,\n"
    "MT-60,Massage therapy 60 min,\n"
)


def _codes(clinic: Clinic, system: str = "local") -> dict[str, tuple[str, bool]]:
    return {
        code.code: (code.short_description, code.is_active)
        for code in ProcedureCode.objects.filter(clinic=clinic, system=system)
    }


def test_loading_adds_the_codes_with_who_when_and_from_which_file(
    clinic: Clinic, owner_actor: Actor
) -> None:
    # when the owner loads a first file
    load = load_procedure_codes(
        actor=owner_actor,
        system="local",
        data=FIRST.encode(),
        file_name="C:\\fees\\clinic-codes.csv",
        replace=False,
    )
    # then the codes are in, credited to the owner and the file
    assert (load.rows, load.added, load.updated, load.unchanged) == (3, 3, 0, 0)
    assert load.deactivated == 0
    assert load.loaded_by == owner_actor.membership
    assert load.file_name == "clinic-codes.csv"
    code = ProcedureCode.objects.get(clinic=clinic, code="PT-IA")
    assert code.short_description == "Physiotherapy initial assessment"
    assert code.long_description == "History and examination"
    assert code.is_active is True
    assert code.loaded_by == owner_actor.membership
    assert code.source_file_name == "clinic-codes.csv"
    assert code.label == "PT-IA Physiotherapy initial assessment"


def test_each_load_is_audited_once_with_its_counts(
    clinic: Clinic, owner_actor: Actor
) -> None:
    # when
    load = load_procedure_codes(
        actor=owner_actor,
        system="local",
        data=FIRST.encode(),
        file_name="codes.csv",
        replace=True,
    )
    # then one entry names the load and its counts, not the rows
    entries = AuditEntry.objects.filter(clinic_id=clinic.pk, action="load")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_type == "billing.procedurecodeload"
    assert entry.object_id == str(load.pk)
    assert entry.patient_id is None
    assert entry.user_id == owner_actor.user.pk  # type: ignore[union-attr]  # a member acts
    assert entry.detail == (
        "local replace: 3 rows, 3 added, 0 updated, 0 unchanged, 0 deactivated"
    )


def test_adding_updates_known_codes_and_keeps_the_others(clinic: Clinic) -> None:
    # given a loaded list
    first = load_codes(clinic, FIRST)
    before = ProcedureCode.objects.get(clinic=clinic, code="PT-FU")
    # when a second file rewords one code, repeats one and adds one
    second = load_codes(
        clinic,
        "code,description\n"
        "PT-IA,Physio initial assessment (60 min)\n"
        "PT-FU,Physiotherapy follow-up\n"
        "OT-HV,Occupational therapy home visit\n",
        file_name="update.csv",
    )
    # then
    assert (second.added, second.updated, second.unchanged) == (1, 1, 1)
    assert second.deactivated == 0
    assert _codes(clinic) == {
        "PT-IA": ("Physio initial assessment (60 min)", True),
        "PT-FU": ("Physiotherapy follow-up", True),
        "MT-60": ("Massage therapy 60 min", True),
        "OT-HV": ("Occupational therapy home visit", True),
    }
    reworded = ProcedureCode.objects.get(clinic=clinic, code="PT-IA")
    assert reworded.source_file_name == "update.csv"
    assert reworded.long_description == ""
    unchanged = ProcedureCode.objects.get(clinic=clinic, code="PT-FU")
    assert unchanged.loaded_at == before.loaded_at
    assert unchanged.source_file_name == "codes.csv"
    assert ProcedureCodeLoad.objects.filter(clinic=clinic).count() == 2
    assert first.pk != second.pk


def test_replacing_deactivates_missing_codes_and_deletes_none(clinic: Clinic) -> None:
    # given a loaded list
    load_codes(clinic, FIRST)
    # when a replacement leaves MT-60 and PT-FU out
    load = load_codes(
        clinic,
        "code,description\nPT-IA,Physiotherapy initial assessment\n",
        replace=True,
    )
    # then they are inactive and still there
    assert (load.added, load.updated, load.unchanged, load.deactivated) == (0, 1, 0, 2)
    assert _codes(clinic) == {
        "PT-IA": ("Physiotherapy initial assessment", True),
        "PT-FU": ("Physiotherapy follow-up", False),
        "MT-60": ("Massage therapy 60 min", False),
    }


def test_a_code_back_in_a_file_is_active_again(clinic: Clinic) -> None:
    # given MT-60 made inactive by a replacement
    load_codes(clinic, FIRST)
    load_codes(clinic, "code,description\nPT-IA,Initial\n", replace=True)
    # when a later file has it again
    load = load_codes(clinic, "code,description\nMT-60,Massage therapy 60 min\n")
    # then it counts as updated and is active
    assert (load.added, load.updated, load.unchanged) == (0, 1, 0)
    assert _codes(clinic)["MT-60"] == ("Massage therapy 60 min", True)


def test_replacing_one_system_leaves_the_others_alone(clinic: Clinic) -> None:
    # given a local list and an HCPCS list
    load_codes(clinic, FIRST)
    load_codes(
        clinic, "code,description\nG0283,Electrical stimulation\n", system="hcpcs"
    )
    # when the HCPCS list is replaced
    load_codes(
        clinic, "code,description\nA4550,Surgical trays\n", system="hcpcs", replace=True
    )
    # then only HCPCS codes changed
    assert _codes(clinic, "hcpcs") == {
        "G0283": ("Electrical stimulation", False),
        "A4550": ("Surgical trays", True),
    }
    assert all(active for _, active in _codes(clinic).values())


def test_a_bad_file_changes_nothing(clinic: Clinic, owner_actor: Actor) -> None:
    # given a loaded list
    load_codes(clinic, FIRST)
    audit_before = AuditEntry.objects.filter(clinic_id=clinic.pk).count()
    before = _codes(clinic)
    # when a replacement has one good row and one bad row
    with pytest.raises(CodeFileError) as refused:
        load_procedure_codes(
            actor=owner_actor,
            system="local",
            data=b"code,description\nPT-IA,Reworded\nMT 90,Massage 90\n",
            file_name="bad.csv",
            replace=True,
        )
    # then the problem is named and nothing changed, nothing was audited
    assert [str(p) for p in refused.value.problems] == [
        "Row 3, code: MT 90 is not valid: a fee code is 1 to 20 letters, digits, "
        "dots, dashes, underscores or slashes, starting with a letter or digit "
        "(A001A, PT-IA)."
    ]
    assert refused.value.message == "Nothing was loaded: the file has 1 problem."
    assert refused.value.field == "file"
    assert _codes(clinic) == before
    assert ProcedureCodeLoad.objects.filter(clinic=clinic).count() == 1
    assert AuditEntry.objects.filter(clinic_id=clinic.pk).count() == audit_before


def test_a_member_without_clinic_manage_cannot_load(clinic: Clinic) -> None:
    # given a billing clerk (billing.view and billing.edit only)
    clerk = actor_for(make_member(clinic, [BILLING]))
    # when / then
    with pytest.raises(CodeListPermissionError):
        load_procedure_codes(
            actor=clerk,
            system="local",
            data=FIRST.encode(),
            file_name="codes.csv",
            replace=False,
        )
    assert not ProcedureCode.objects.filter(clinic=clinic).exists()


def test_an_unknown_system_is_refused_naming_the_field(
    clinic: Clinic, owner_actor: Actor
) -> None:
    with pytest.raises(BillingError) as refused:
        load_procedure_codes(
            actor=owner_actor,
            system="icd10",
            data=FIRST.encode(),
            file_name="codes.csv",
            replace=False,
        )
    assert refused.value.field == "system"
    assert not ProcedureCode.objects.filter(clinic=clinic).exists()


def test_each_clinic_has_its_own_list(clinic: Clinic, other_clinic: Clinic) -> None:
    # given clinic B holds the same codes with its own wording
    load_codes(other_clinic, "code,description\nPT-IA,Clinic B assessment\n")
    # when clinic A replaces its list
    load_codes(clinic, FIRST, replace=True)
    load_codes(clinic, "code,description\nMT-60,Massage\n", replace=True)
    # then clinic B's list is untouched
    assert _codes(other_clinic) == {"PT-IA": ("Clinic B assessment", True)}
    assert _codes(clinic)["PT-IA"] == ("Physiotherapy initial assessment", False)


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("codes.csv", "codes.csv"),
        ("/home/me/fees/codes.csv", "codes.csv"),
        ("C:\\Users\\me\\codes.csv", "codes.csv"),
        ("co\x00des\r\n.csv", "codes.csv"),
        ("x" * 300, "x" * 255),
    ],
)
def test_the_file_name_is_kept_without_folders(name: str, cleaned: str) -> None:
    assert clean_file_name(name) == cleaned
