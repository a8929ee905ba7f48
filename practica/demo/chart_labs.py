"""Demo lab results, in the SI units a Canadian lab reports.

- A foot-care patient with type 2 diabetes: HbA1c every three months falling
  from 8.6 % towards target, fasting glucose, two lipid panels, creatinine
  with eGFR and a urine albumin/creatinine ratio.
- A family-practice patient (a physiotherapy one if the clinic has no family
  practice): a CBC, TSH, ferritin, and vitamin D low, then normal after
  supplements.

Results go through `record_lab_result` as the provider of the patient's
first visit, so they are flagged and audited like ones entered on the page.
Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from practica.charting.models import Problem
from practica.labs.models import LabResult
from practica.labs.services import record_lab_result
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AttendanceStatus, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

LAB = "Community Medical Laboratory"
DRAW_TIME = dt.time(8, 15)

# (days before today, [(LOINC code, value), ...]); the oldest draw first.
DIABETES_DRAWS: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = (
    (
        455,
        (
            ("4548-4", "8.6"),
            ("14771-0", "9.8"),
            ("14647-2", "5.9"),
            ("39469-2", "3.8"),
            ("14646-4", "0.9"),
            ("14927-8", "2.4"),
            ("14682-9", "88"),
            ("98979-8", "74"),
            ("32294-1", "3.6"),
        ),
    ),
    (364, (("4548-4", "8.1"), ("14771-0", "8.9"))),
    (273, (("4548-4", "7.6"), ("14771-0", "8.1"))),
    (
        182,
        (
            ("4548-4", "7.2"),
            ("14771-0", "7.4"),
            ("14647-2", "4.6"),
            ("39469-2", "2.4"),
            ("14646-4", "1.1"),
            ("14927-8", "1.8"),
            ("14682-9", "92"),
            ("98979-8", "70"),
            ("32294-1", "2.6"),
        ),
    ),
    (91, (("4548-4", "6.9"), ("14771-0", "6.8"))),
    (12, (("4548-4", "6.6"), ("14771-0", "6.4"))),
)
FAMILY_DRAWS: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = (
    (
        200,
        (
            ("6690-2", "6.4"),
            ("718-7", "128"),
            ("777-3", "262"),
            ("787-2", "88"),
            ("3016-3", "2.3"),
            ("2276-4", "38"),
            ("14635-7", "42"),
        ),
    ),
    (
        60,
        (
            ("6690-2", "5.9"),
            ("718-7", "134"),
            ("777-3", "248"),
            ("787-2", "89"),
            ("14635-7", "86"),
        ),
    ),
)
UNITS = {"718-7": "g/L", "6690-2": "10*9/L", "777-3": "10*9/L", "2276-4": "ug/L"}
# Ranges printed by the lab where the result is in a unit other than the
# shipped one (hemoglobin in g/L) or the range depends on sex.
RANGES = {
    "718-7": (Decimal(120), Decimal(160)),
    "2276-4": (Decimal(15), Decimal(200)),
    "14682-9": (Decimal(50), Decimal(110)),
}
COMMENTS = {"14635-7": "Taking vitamin D3 1000 IU daily since the last draw."}


def _patients(clinic: Clinic, modality: str, today: dt.date) -> list[Appointment]:
    """The first past completed visit of each patient of `modality`."""
    firsts: dict[object, Appointment] = {}
    for visit in (
        Appointment.objects.filter(
            clinic=clinic,
            appointment_type__modality=modality,
            status=AttendanceStatus.COMPLETED,
            patient__isnull=False,
        )
        .select_related("location", "patient", "provider__membership__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    ):
        if visit.start_at.astimezone(visit.location.tz).date() < today:
            firsts.setdefault(visit.patient_id, visit)
    return list(firsts.values())


def _diabetic_first(visits: list[Appointment], clinic: Clinic) -> list[Appointment]:
    """Patients charted with type 2 diabetes (chart_lists) first."""
    diabetic = set(
        Problem.objects.filter(
            clinic=clinic,
            code__startswith="E11",
            patient__in=[v.patient for v in visits],
        ).values_list("patient_id", flat=True)
    )
    return sorted(visits, key=lambda v: v.patient_id not in diabetic)


def _record_draws(
    visit: Appointment,
    draws: Sequence[tuple[int, tuple[tuple[str, str], ...]]],
    today: dt.date,
) -> None:
    patient = visit.patient
    assert isinstance(patient, Patient)  # filtered above
    membership = visit.provider.membership
    actor = Actor(
        clinic=visit.clinic,
        user=membership.user,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )
    zone: ZoneInfo = visit.location.tz
    for days_before, results in draws:
        day = today - dt.timedelta(days=days_before)
        collected = dt.datetime.combine(day, DRAW_TIME, tzinfo=zone)
        reported = collected + dt.timedelta(hours=30)
        for code, value in results:
            low, high = RANGES.get(code, (None, None))
            record_lab_result(
                actor=actor,
                patient=patient,
                loinc_code=code,
                value=value,
                unit=UNITS.get(code, ""),
                reference_low=low,
                reference_high=high,
                collected_at=collected,
                reported_at=reported,
                performer=LAB,
                comment=COMMENTS.get(code, "") if days_before < 100 else "",
            )


def seed_labs(clinic: Clinic, *, today: dt.date) -> None:
    """Lab histories for a diabetic foot-care patient and a family-practice
    (or physiotherapy) patient."""
    if LabResult.objects.filter(clinic=clinic).exists():
        return
    foot = _diabetic_first(_patients(clinic, Modality.FOOT_CARE, today), clinic)
    if foot:
        _record_draws(foot[0], DIABETES_DRAWS, today)
    taken = {foot[0].patient_id} if foot else set()
    for modality in (Modality.FAMILY, Modality.PHYSIOTHERAPY):
        others = [
            v for v in _patients(clinic, modality, today) if v.patient_id not in taken
        ]
        if others:
            _record_draws(others[0], FAMILY_DRAWS, today)
            break
