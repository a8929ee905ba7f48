"""Reads of outcome measures. Pages get a patient's responses and a response
through these functions only; each records the view of health information."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from practica.audit.services import record_view
from practica.outcomes.charts import TrendChart, build_trend_chart
from practica.outcomes.measures import MEASURES, Measure
from practica.outcomes.models import MeasureResponse
from practica.patients.selectors import get_patient_for
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor


@dataclass(frozen=True)
class MeasureSummary:
    measure: Measure
    rows: list[MeasureResponse]  # every response, oldest first, marked ones too
    scored: list[MeasureResponse]  # the ones that count (not entered in error)
    chart: TrendChart

    @property
    def first(self) -> MeasureResponse | None:
        return self.scored[0] if self.scored else None

    @property
    def latest(self) -> MeasureResponse | None:
        return self.scored[-1] if self.scored else None

    @property
    def change(self) -> Decimal | None:
        """Latest minus first score; None until there are two responses."""
        if len(self.scored) < 2:  # a change needs two scores
            return None
        return self.scored[-1].score - self.scored[0].score

    @property
    def direction(self) -> str:
        """ "better", "worse" or "same", as the measure's scale runs."""
        change = self.change
        if not change:
            return "same"
        improved = change > 0 if self.measure.higher_is_better else change < 0
        return "better" if improved else "worse"

    @property
    def reaches_mcid(self) -> bool:
        change = self.change
        mcid = self.measure.mcid
        return change is not None and mcid is not None and abs(change) >= mcid


@dataclass(frozen=True)
class PatientOutcomes:
    patient: Patient
    summaries: list[MeasureSummary]  # every measure, in registry order
    flagged: list[MeasureResponse]  # latest-first responses carrying flags

    @property
    def recorded(self) -> list[MeasureSummary]:
        return [s for s in self.summaries if s.rows]


def _responses(actor: Actor) -> QuerySet[MeasureResponse]:
    return MeasureResponse.objects.filter(clinic=actor.clinic).select_related(
        "error_mark", "recorded_by__user"
    )


def is_entered_in_error(response: MeasureResponse) -> bool:
    return hasattr(response, "error_mark")


def get_patient_outcomes(*, actor: Actor, patient_id: uuid.UUID) -> PatientOutcomes:
    """The patient's responses to every measure with their trends; records one
    view entry. Three queries whatever the number of responses."""
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    by_code: dict[str, list[MeasureResponse]] = {code: [] for code in MEASURES}
    for response in (
        _responses(actor).filter(patient=patient).order_by("taken_on", "created_at")
    ):
        by_code.setdefault(response.measure_code, []).append(response)
    summaries = []
    for code, measure in MEASURES.items():
        rows = by_code[code]
        scored = [r for r in rows if not is_entered_in_error(r)]
        chart = build_trend_chart(
            measure, [(r.taken_on, r.score, r.band) for r in scored]
        )
        summaries.append(
            MeasureSummary(measure=measure, rows=rows, scored=scored, chart=chart)
        )
    flagged = sorted(
        (r for s in summaries for r in s.scored if r.flags),
        key=lambda r: (r.taken_on, r.created_at),
        reverse=True,
    )
    return PatientOutcomes(patient=patient, summaries=summaries, flagged=flagged)


def get_response_for(*, actor: Actor, response_id: uuid.UUID) -> MeasureResponse:
    """One response with its patient, note and mark; records one view entry."""
    response = scoped_get_or_404(
        actor,
        _responses(actor).select_related(
            "patient", "note", "appointment", "error_mark__marked_by__user"
        ),
        pk=response_id,
    )
    record_view(actor=actor, obj=response, patient_id=response.patient_id)
    return response


def get_response_for_change(*, actor: Actor, response_id: uuid.UUID) -> MeasureResponse:
    """The response a POST acts on (no view entry: the service records it)."""
    return scoped_get_or_404(actor, MeasureResponse.objects.all(), pk=response_id)


def get_patient_for_recording(
    *, actor: Actor, patient_id: uuid.UUID, record_access: bool
) -> Patient:
    """The patient a response is recorded for (the form page records a view)."""
    return get_patient_for(
        actor=actor, patient_id=patient_id, record_access=record_access
    )
