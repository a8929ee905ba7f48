"""Reads of lab results. Pages get a patient's results only through these
functions; each page's read records one view entry. Every function runs a
fixed number of queries whatever the number of results."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from practica.audit.services import record_view
from practica.labs.charts import ChartInput, LabChart, build_lab_chart
from practica.labs.loinc import LoincTest, group_order, is_valid_code, lookup
from practica.labs.models import LabResult
from practica.labs.units import display_unit, same_number
from practica.patients.selectors import get_patient_for
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.models import Location

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

OTHER_GROUP = "Other tests"


@dataclass(frozen=True)
class TestSummary:
    """The latest counted result of one test and how many there are."""

    loinc_code: str
    test: LoincTest | None
    latest: LabResult
    previous: LabResult | None
    count: int

    @property
    def name(self) -> str:
        return self.latest.test_name

    @property
    def group(self) -> str:
        return self.test.group if self.test else OTHER_GROUP


@dataclass(frozen=True)
class ResultGroup:
    name: str
    tests: list[TestSummary]


@dataclass(frozen=True)
class PatientLabs:
    patient: Patient
    groups: list[ResultGroup]
    abnormal: list[LabResult]  # latest results that are flagged, newest first
    in_error: int  # results marked entered in error (left out above)

    @property
    def has_results(self) -> bool:
        return bool(self.groups) or self.in_error > 0


@dataclass(frozen=True)
class TestHistory:
    patient: Patient
    loinc_code: str
    test: LoincTest | None
    name: str
    rows: list[LabResult]  # every result, newest first, marked ones too
    chart: LabChart
    chart_unit: str
    off_chart: int  # counted results in another unit, not plotted
    plotted: list[LabResult]  # the charted results, oldest first

    @property
    def latest(self) -> LabResult | None:
        return self.plotted[-1] if self.plotted else None

    @property
    def first(self) -> LabResult | None:
        return self.plotted[0] if self.plotted else None

    @property
    def change(self) -> Decimal | None:
        """Latest minus first charted number; None until there are two."""
        if len(self.plotted) < 2:  # a change needs two numbers
            return None
        first, last = self.plotted[0].value_number, self.plotted[-1].value_number
        if first is None or last is None:
            return None
        return (last - first).normalize()

    @property
    def change_label(self) -> str:
        """The change signed, without exponent notation ("-2", "+0.4")."""
        change = self.change
        return "" if change is None else f"{change:+f}"


def _results(actor: Actor, patient: Patient) -> QuerySet[LabResult]:
    return LabResult.objects.filter(clinic=actor.clinic, patient=patient)


def get_patient_labs(*, actor: Actor, patient_id: uuid.UUID) -> PatientLabs:
    """Latest result per test, grouped as the LOINC list groups them; records
    one view entry. Two queries plus the audit entry."""
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    record_view(actor=actor, obj=patient, patient_id=patient.pk, detail="labs")
    by_code: dict[str, list[LabResult]] = {}
    in_error = 0
    for result in _results(actor, patient).order_by("-collected_at", "-created_at"):
        if result.is_entered_in_error:
            in_error += 1
            continue
        by_code.setdefault(result.loinc_code, []).append(result)
    summaries = [
        TestSummary(
            loinc_code=code,
            test=lookup(code),
            latest=rows[0],
            previous=rows[1] if len(rows) > 1 else None,
            count=len(rows),
        )
        for code, rows in by_code.items()
    ]
    order = group_order()
    summaries.sort(key=lambda s: (order.get(s.group, len(order)), s.name.lower()))
    groups: list[ResultGroup] = []
    for summary in summaries:
        if not groups or groups[-1].name != summary.group:
            groups.append(ResultGroup(name=summary.group, tests=[]))
        groups[-1].tests.append(summary)
    abnormal = sorted(
        (s.latest for s in summaries if s.latest.is_abnormal),
        key=lambda r: r.collected_at,
        reverse=True,
    )
    return PatientLabs(
        patient=patient, groups=groups, abnormal=abnormal, in_error=in_error
    )


def _chart_title(result: LabResult) -> str:
    when = timezone.localtime(result.collected_at)
    flag = f" ({result.get_flag_display()})" if result.is_abnormal else ""
    return f"{when:%d %b %Y}: {result.value} {result.unit_label}".rstrip() + flag


def get_test_history(
    *, actor: Actor, patient_id: uuid.UUID, loinc_code: str
) -> TestHistory:
    """Every result of one test for the patient, with the trend of the
    counted numeric ones in the latest result's unit; records one view entry.
    A malformed code is a 404 (nothing to look up)."""
    if not is_valid_code(loinc_code):
        raise Http404("No such LOINC code.")
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    record_view(
        actor=actor, obj=patient, patient_id=patient.pk, detail=f"labs {loinc_code}"
    )
    rows = list(
        _results(actor, patient)
        .filter(loinc_code=loinc_code)
        .select_related("recorded_by__user", "marked_in_error_by__user")
        .order_by("-collected_at", "-created_at")
    )
    counted = [r for r in rows if not r.is_entered_in_error]
    test = lookup(loinc_code)
    unit = counted[0].unit if counted else (test.unit if test else "")
    plotted = [
        r for r in counted if r.value_number is not None and same_number(r.unit, unit)
    ]
    off_chart = sum(1 for r in counted if r.value_number is not None) - len(plotted)
    latest = plotted[0] if plotted else None
    chart = build_lab_chart(
        [
            ChartInput(
                at=timezone.localtime(r.collected_at),
                number=r.value_number,
                is_abnormal=r.is_abnormal,
                title=_chart_title(r),
            )
            for r in reversed(plotted)
            if r.value_number is not None
        ],
        low=latest.reference_low if latest else None,
        high=latest.reference_high if latest else None,
    )
    name = rows[0].test_name if rows else (test.name if test else loinc_code)
    return TestHistory(
        patient=patient,
        loinc_code=loinc_code,
        test=test,
        name=name,
        rows=rows,
        chart=chart,
        chart_unit=display_unit(unit),
        off_chart=off_chart,
        plotted=list(reversed(plotted)),
    )


def get_display_zone(*, actor: Actor) -> zoneinfo.ZoneInfo:
    """The time zone lab times are entered and shown in. A result carries
    no location, so it is the clinic's first location's (one query)."""
    name = (
        Location.objects.filter(clinic=actor.clinic)
        .order_by("created_at", "pk")
        .values_list("timezone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(name or str(settings.TIME_ZONE))


def get_patient_for_lab_change(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient a POST adds a result to (the service records the change)."""
    return get_patient_for(actor=actor, patient_id=patient_id, record_access=False)


def get_result_for_change(*, actor: Actor, lab_result_id: uuid.UUID) -> LabResult:
    """One result of the actor's clinic, for marking it entered in error."""
    return scoped_get_or_404(actor, LabResult.objects.all(), pk=lab_result_id)


def abnormal_recent(
    *, actor: Actor, patient: Patient, since: datetime.datetime
) -> list[LabResult]:
    """The patient's flagged results collected since `since`, the latest of
    each test only, newest first (one query; for the chart summary banner,
    which records its own view)."""
    latest: dict[str, LabResult] = {}
    for result in (
        _results(actor, patient)
        .filter(collected_at__gte=since, status=LabResult.Status.FINAL)
        .order_by("-collected_at", "-created_at")
    ):
        latest.setdefault(result.loinc_code, result)
    return [r for r in latest.values() if r.is_abnormal]
