"""Demo outcome measures: physiotherapy patients whose pain (NPRS) and function
(ODI for backs, LEFS for legs) improve over their visits, and counselling
clients whose PHQ-9 and GAD-7 fall over their sessions; one client's first
PHQ-9 raises the item-9 safety flag.

Responses go through `record_response` as the visit's provider, dated on the
visit and linked to its note when it has one, so they are scored and audited
like ones recorded on the form. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from practica.charting.models import ClinicalNote
from practica.outcomes.measures import GAD7, LEFS, NPRS, ODI, PHQ9, Measure
from practica.outcomes.models import MeasureResponse
from practica.outcomes.services import record_response
from practica.scheduling.models import Appointment, AttendanceStatus, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

PHYSIO_PATIENTS = 4
COUNSELLING_PATIENTS = 3
MAX_VISITS = 6
# Start and end of each series, as a share of the measure's maximum score.
PHYSIO_PLAN: tuple[tuple[Measure, float, float], ...] = ((NPRS, 0.7, 0.2),)
BACK = (ODI, 0.46, 0.16)  # percent disability falls
LEG = (LEFS, 0.4, 0.8)  # function rises (higher is better)
COUNSELLING_PLAN = ((PHQ9, 0.6, 0.2), (GAD7, 0.62, 0.24))


def _answers(
    measure: Measure, share: float, *, zero_items: Sequence[str] = ()
) -> dict[str, int]:
    """Item values summing to about `share` of the maximum, spread evenly
    over the items not in `zero_items`."""
    keys = [i.key for i in measure.items if i.key not in zero_items]
    target = int(
        (Decimal(share) * len(keys) * measure.max_option).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )
    base, extra = divmod(target, len(keys))
    values = {key: base + (1 if n < extra else 0) for n, key in enumerate(keys)}
    return {item.key: values.get(item.key, 0) for item in measure.items}


def _visits(
    clinic: Clinic, modality: str, today: dt.date
) -> dict[object, list[Appointment]]:
    """Completed past visits of `modality`, grouped by patient, oldest first."""
    visits: dict[object, list[Appointment]] = {}
    rows = (
        Appointment.objects.filter(
            clinic=clinic,
            appointment_type__modality=modality,
            status=AttendanceStatus.COMPLETED,
            patient__isnull=False,
        )
        .select_related("location", "patient", "provider__membership__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    )
    for visit in rows:
        if visit.start_at.astimezone(visit.location.tz).date() < today:
            visits.setdefault(visit.patient_id, []).append(visit)
    return visits


def _most_seen(
    visits: dict[object, list[Appointment]], count: int
) -> list[list[Appointment]]:
    ranked = sorted(visits.values(), key=lambda v: -len(v))  # stable: by name
    return [v[:MAX_VISITS] for v in ranked[:count] if len(v) >= 2]


def _record_series(
    clinic: Clinic,
    visits: Sequence[Appointment],
    plan: Sequence[tuple[Measure, float, float]],
    *,
    flag_first_phq9: bool = False,
) -> None:
    notes = {
        n.appointment_id: n
        for n in ClinicalNote.objects.filter(
            clinic=clinic, appointment__in=list(visits)
        )
    }
    last = max(len(visits) - 1, 1)
    for index, visit in enumerate(visits):
        actor = Actor(
            clinic=clinic,
            user=visit.provider.membership.user,
            membership=visit.provider.membership,
            permissions=frozenset(ALL_PERMISSIONS),
        )
        patient = visit.patient
        assert patient is not None  # filtered above
        for measure, start, end in plan:
            share = start + (end - start) * index / last
            zero = ("q9",) if measure is PHQ9 else ()
            answers = _answers(measure, share, zero_items=zero)
            if measure is PHQ9 and flag_first_phq9 and index == 0:
                answers["q9"] = 1
            record_response(
                actor=actor,
                patient=patient,
                measure_code=measure.code,
                answers=answers,
                taken_on=visit.start_at.astimezone(visit.location.tz).date(),
                note=notes.get(visit.pk),
                appointment=visit,
            )


def seed_outcomes(clinic: Clinic, *, today: dt.date) -> None:
    """Improving outcome series for a few physio and counselling patients."""
    if MeasureResponse.objects.filter(clinic=clinic).exists():
        return
    physio = _most_seen(_visits(clinic, Modality.PHYSIOTHERAPY, today), PHYSIO_PATIENTS)
    for number, visits in enumerate(physio):
        extra = BACK if number % 2 == 0 else LEG
        _record_series(clinic, visits, (*PHYSIO_PLAN, extra))
    counselling = _most_seen(
        _visits(clinic, Modality.COUNSELLING, today), COUNSELLING_PATIENTS
    )
    for number, visits in enumerate(counselling):
        _record_series(clinic, visits, COUNSELLING_PLAN, flag_first_phq9=number == 0)
