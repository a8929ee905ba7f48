"""Recurring series: expanding a rule into occurrences, checking each one, and
reading a series with its appointments.

A rule is expanded by `dateutil.rrule` from a NAIVE local start, so every
occurrence keeps the same wall-clock time across daylight-saving changes; each
one is then made aware in the location's time zone. A wall-clock time the
clocks skip (spring forward) does not exist: that occurrence cannot be booked
and is listed as a conflict. An ambiguous one (fall back) takes the first,
daylight-time, instant (fold=0).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateutil import rrule  # type: ignore[import-untyped]  # python-dateutil ships no stubs
from django.db.models import QuerySet

from practica.audit.services import record_view
from practica.scheduling.errors import SchedulingError
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Provider,
)
from practica.scheduling.selectors.availability import check_bookable
from practica.scheduling.services.rules import (
    MOVABLE,
    busy_span,
    check_length,
    choose_room,
    find_clash,
    slot_unavailable,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# A series may hold at most this many occurrences and span at most a year: a
# longer plan is better booked again when it is reviewed.
MAX_OCCURRENCES = 52
MAX_SPAN_DAYS = 366

WEEKLY = "weekly"
DAILY = "daily"
MONTHLY = "monthly"
FREQUENCIES = {WEEKLY: rrule.WEEKLY, DAILY: rrule.DAILY, MONTHLY: rrule.MONTHLY}
RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RuleTooLongError(SchedulingError):
    """The rule makes more occurrences, or spans more time, than a series may."""


@dataclass(frozen=True)
class SeriesRule:
    """What the front desk chose: every `interval` days/weeks/months (on
    `weekdays`, 0 = Monday, for weekly), ending after `count` occurrences or on
    `until` (inclusive)."""

    frequency: str
    interval: int
    weekdays: tuple[int, ...] = ()
    count: int | None = None
    until: dt.date | None = None

    def as_text(self) -> str:
        """The RFC 5545 RRULE value: FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=16."""
        parts = [f"FREQ={self.frequency.upper()}", f"INTERVAL={self.interval}"]
        if self.frequency == WEEKLY and self.weekdays:
            parts.append(
                "BYDAY=" + ",".join(RFC_DAYS[d] for d in sorted(self.weekdays))
            )
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        elif self.until is not None:
            # Floating local time, like the DTSTART the rule is expanded from.
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        return ";".join(parts)


@dataclass(frozen=True)
class Occurrence:
    """One planned visit: its local wall-clock time, and the instant it is
    (None when that wall-clock time does not exist on that date)."""

    index: int
    local: dt.datetime
    start_at: dt.datetime | None


def aware_local(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
    """`naive` as an aware time in `tz`; the first of two on a fall-back day;
    None if the clocks skip it."""
    aware = naive.replace(tzinfo=tz, fold=0)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware


def expand_rule(
    rule: SeriesRule, *, first_day: dt.date, start_time: dt.time, tz: dt.tzinfo
) -> list[Occurrence]:
    """Every occurrence of `rule` from `first_day` at `start_time` local time.

    Raises RuleTooLongError past MAX_OCCURRENCES or MAX_SPAN_DAYS."""
    dtstart = dt.datetime.combine(
        first_day, start_time.replace(second=0, microsecond=0)
    )
    options: dict[str, object] = {"dtstart": dtstart, "interval": rule.interval}
    if rule.frequency == WEEKLY:
        options["byweekday"] = sorted(rule.weekdays) or [first_day.weekday()]
    elif rule.frequency == MONTHLY:
        options["bymonthday"] = first_day.day
    if rule.count is not None:
        options["count"] = rule.count
    elif rule.until is not None:
        options["until"] = dt.datetime.combine(rule.until, dt.time(23, 59, 59))
    generated = rrule.rrule(FREQUENCIES[rule.frequency], **options)
    locals_ = list(itertools.islice(generated, MAX_OCCURRENCES + 1))
    if len(locals_) > MAX_OCCURRENCES:
        raise RuleTooLongError(
            f"This rule makes more than {MAX_OCCURRENCES} occurrences; "
            f"a series holds at most {MAX_OCCURRENCES}."
        )
    if locals_ and (locals_[-1].date() - locals_[0].date()).days >= MAX_SPAN_DAYS:
        raise RuleTooLongError("A series can span at most one year.")
    return [
        Occurrence(index=n, local=moment, start_at=aware_local(moment, tz))
        for n, moment in enumerate(locals_, start=1)
    ]


# --- checking occurrences ------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceCheck:
    """An occurrence as the preview shows it: free, or why it cannot be booked."""

    index: int
    local: dt.datetime
    start_at: dt.datetime | None
    reason: str = ""
    is_skipped: bool = False
    is_moved: bool = False

    @property
    def is_free(self) -> bool:
        return not self.reason

    @property
    def day_label(self) -> str:
        return self.local.strftime("%a %d %b %Y")

    @property
    def time_label(self) -> str:
        return self.local.strftime("%H:%M")

    @property
    def offset_label(self) -> str:
        """The UTC offset it falls at (differs across a DST change)."""
        if self.start_at is None:
            return ""
        return self.start_at.strftime("UTC%z")


def check_hours(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> None:
    """Raise OutsideWorkingHoursError with the reason when the provider cannot
    see this type then (hours, holiday, time off, type not offered)."""
    check_bookable(
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start_at=start_at,
        end_at=end_at,
    )


def occurrence_problem(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    local: dt.datetime,
    start_at: dt.datetime | None,
    exclude_id: uuid.UUID | None = None,
) -> str:
    """Why this occurrence cannot be booked, or "" when it can."""
    if start_at is None:
        return (
            f"{local:%H:%M} does not exist on {local:%d %b %Y}: the clocks go "
            "forward. Move it to another time."
        )
    end_at = start_at + dt.timedelta(minutes=appointment_type.duration_minutes)
    try:
        check_length(start_at, end_at)
        check_hours(
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            start_at=start_at,
            end_at=end_at,
        )
        busy_from, busy_until = busy_span(appointment_type, start_at, end_at)
        clash = find_clash(
            provider=provider,
            busy_from=busy_from,
            busy_until=busy_until,
            exclude_id=exclude_id,
        )
        if clash is not None:
            raise slot_unavailable(provider, clash, location.tz)
        choose_room(
            appointment_type=appointment_type,
            location=location,
            busy_from=busy_from,
            busy_until=busy_until,
            exclude_id=exclude_id,
        )
    except SchedulingError as exc:
        return exc.message
    return ""


def check_occurrences(
    occurrences: Iterable[Occurrence],
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    skipped: frozenset[int] = frozenset(),
    moved: frozenset[int] = frozenset(),
) -> list[OccurrenceCheck]:
    """The preview of a new series: each occurrence with its problem, if any.
    Skipped ones are not checked."""
    checks = []
    for occurrence in occurrences:
        if occurrence.index in skipped:
            checks.append(
                OccurrenceCheck(
                    occurrence.index,
                    occurrence.local,
                    occurrence.start_at,
                    is_skipped=True,
                )
            )
            continue
        reason = occurrence_problem(
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            local=occurrence.local,
            start_at=occurrence.start_at,
        )
        checks.append(
            OccurrenceCheck(
                occurrence.index,
                occurrence.local,
                occurrence.start_at,
                reason=reason,
                is_moved=occurrence.index in moved,
            )
        )
    return checks


# --- reading a series ------------------------------------------------------------


def _series(actor: Actor) -> QuerySet[AppointmentSeries]:
    return AppointmentSeries.objects.filter(clinic=actor.clinic).select_related(
        "patient", "provider", "location", "appointment_type"
    )


def get_series_for(*, actor: Actor, series_id: uuid.UUID) -> AppointmentSeries:
    """One series of the actor's clinic, for display: a view of the patient's
    record, so it is audited."""
    series = scoped_get_or_404(actor, _series(actor), pk=series_id)
    record_view(actor=actor, obj=series, patient_id=series.patient_id)
    return series


def get_series_for_change(*, actor: Actor, series_id: uuid.UUID) -> AppointmentSeries:
    """One series of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(actor, _series(actor), pk=series_id)


def list_series_appointments(
    *, actor: Actor, series: AppointmentSeries
) -> list[Appointment]:
    """The series' appointments in time order, every status."""
    return list(
        Appointment.objects.filter(clinic=actor.clinic, series=series)
        .select_related("provider", "location", "room")
        .order_by("start_at")
    )


def get_series_appointment(
    *, actor: Actor, series: AppointmentSeries, appointment_id: uuid.UUID
) -> Appointment:
    """One appointment of the series (404, audited as denied, otherwise)."""
    return scoped_get_or_404(
        actor,
        Appointment.objects.filter(series=series).select_related("location"),
        pk=appointment_id,
    )


def changeable_appointments(
    appointments: Sequence[Appointment],
    *,
    now: dt.datetime,
    from_appointment: Appointment | None = None,
) -> list[Appointment]:
    """The occurrences a "this and following" (or, without `from_appointment`,
    a "whole series") change touches: future ones still booked or confirmed.
    Past, completed and cancelled occurrences stay as they are."""
    start = from_appointment.start_at if from_appointment is not None else None
    return [
        appointment
        for appointment in appointments
        if appointment.status in MOVABLE
        and appointment.start_at > now
        and (start is None or appointment.start_at >= start)
    ]


def check_reschedule(
    appointments: Sequence[Appointment],
    *,
    start_time: dt.time,
    provider: Provider,
    appointment_type: AppointmentType,
) -> list[OccurrenceCheck]:
    """Each occurrence moved to `start_time` (same local date) with `provider`:
    free, or why not. The occurrence's own current time does not count as a
    clash with itself."""
    checks = []
    for n, appointment in enumerate(appointments, start=1):
        tz = appointment.location.tz
        day = appointment.start_at.astimezone(tz).date()
        naive = dt.datetime.combine(day, start_time.replace(second=0, microsecond=0))
        start_at = aware_local(naive, tz)
        reason = occurrence_problem(
            provider=provider,
            location=appointment.location,
            appointment_type=appointment_type,
            local=naive,
            start_at=start_at,
            exclude_id=appointment.pk,
        )
        checks.append(OccurrenceCheck(n, naive, start_at, reason=reason))
    return checks
