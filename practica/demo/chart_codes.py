"""Demo procedure codes: the clinic's own local fee codes, one per service it
bills (physiotherapy, massage, foot care nursing, occupational therapy,
counselling, forms and reports).

They are clinic-defined codes written for the demo, not CPT (AMA content,
never shipped) nor any province's fee schedule. Last year's list is loaded,
then this year's replaces it, through `load_procedure_codes` as the owner,
so the page shows two loads, a reworded code and one made inactive. Running
it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.billing.services_codes import load_procedure_codes
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS, OWNER

HEADER = "code,description,long description"
# (code, description, long description); the same in both years unless noted.
CODES: tuple[tuple[str, str, str], ...] = (
    (
        "PT-IA",
        "Physiotherapy initial assessment",
        "First visit: history, examination, findings explained, plan agreed.",
    ),
    ("PT-FU", "Physiotherapy follow-up treatment", ""),
    ("PT-RA", "Physiotherapy reassessment", "Formal re-test of the plan's goals."),
    ("PT-EX", "Exercise class (group)", ""),
    ("MT-30", "Massage therapy 30 min", ""),
    ("MT-45", "Massage therapy 45 min", ""),
    ("MT-60", "Massage therapy 60 min", ""),
    ("MT-90", "Massage therapy 90 min", ""),
    ("FC-IA", "Foot care nursing initial assessment", ""),
    ("FC-RV", "Foot care nursing routine visit", "Nail and skin care, risk check."),
    ("FC-HV", "Foot care home visit surcharge", ""),
    ("OT-IA", "Occupational therapy initial assessment", ""),
    ("OT-HV", "Occupational therapy home visit", ""),
    ("OT-RPT", "Occupational therapy written report", ""),
    ("CN-IN", "Counselling intake session", ""),
    ("CN-50", "Counselling session 50 min", ""),
    ("CN-80", "Counselling session 80 min", ""),
    ("ADM-FORM", "Form completion fee", "Insurance or employer form."),
    ("ADM-COPY", "Copy of records", ""),
)
# Last year's list called the follow-up differently and still had taping.
LAST_YEAR_ONLY = (("PT-TAPE", "Kinesiology taping", ""),)
LAST_YEAR_WORDING = {"PT-FU": "Physiotherapy treatment visit"}


def _csv(rows: tuple[tuple[str, str, str], ...]) -> bytes:
    lines = [HEADER, *(",".join(f'"{cell}"' for cell in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _owner_actor(clinic: Clinic) -> Actor:
    owner = (
        Membership.objects.filter(clinic=clinic, roles__key=OWNER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        return Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    return Actor(
        clinic=clinic,
        user=owner.user,
        membership=owner,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def seed_procedure_codes(clinic: Clinic, *, today: dt.date) -> None:
    """Load last year's local fee codes, then replace them with this year's."""
    if ProcedureCodeLoad.objects.filter(
        clinic=clinic, system=ProcedureCode.System.LOCAL
    ).exists():
        return
    actor = _owner_actor(clinic)
    last_year = tuple(
        (code, LAST_YEAR_WORDING.get(code, description), long)
        for code, description, long in CODES
    )
    load_procedure_codes(
        actor=actor,
        system=ProcedureCode.System.LOCAL,
        data=_csv(last_year + LAST_YEAR_ONLY),
        file_name=f"fee-codes-{today.year - 1}.csv",
        replace=False,
    )
    load_procedure_codes(
        actor=actor,
        system=ProcedureCode.System.LOCAL,
        data=_csv(CODES),
        file_name=f"fee-codes-{today.year}.csv",
        replace=True,
    )
