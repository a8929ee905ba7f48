"""Planning a clinic's appointments in memory before anything is written.

Each provider's working hours are walked slot by slot: a slot is booked with a
probability, the appointment runs for its type's duration and the next one
starts on the following quarter hour, so one provider's appointments never
overlap. A patient has at most one appointment a day.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from practica.scheduling.models import Appointment

SLOT = datetime.timedelta(minutes=15)
CASELOAD_SIZE = 80
CANCEL_REASONS = (
    "Patient unwell",
    "Work conflict",
    "Rescheduled by patient",
    "Weather",
    "Transportation problem",
    "Family emergency",
)
DESK_NOTES = (
    "Prefers text reminders",
    "Bring orthotics and running shoes",
    "Needs parking validation",
    "Ground-floor room please",
    "Interpreter requested",
    "Direct billing to extended health plan",
)


@dataclass(frozen=True)
class Shift:
    """One block of a provider's working hours, by weekday (0 = Monday)."""

    weekday: int
    location: int
    start: datetime.time
    end: datetime.time


@dataclass(frozen=True)
class VisitKind:
    """An appointment type as the planner sees it (index into the type list)."""

    index: int
    modality: str
    minutes: int
    is_initial: bool
    weight: int


@dataclass(slots=True)
class Visit:
    id: uuid.UUID
    provider: int
    location: int
    kind: int
    patient: int
    start_at: datetime.datetime
    end_at: datetime.datetime
    status: str
    booked_at: datetime.datetime
    changed_at: datetime.datetime | None
    cancel_reason: str = ""
    desk_note: str = ""


@dataclass
class _ProviderState:
    caseload: list[int] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)


def random_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from `rng`, so generated ids are reproducible."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _fill_rate(day: datetime.date, today: datetime.date, days_ahead: int) -> float:
    """How full a day's book is: busy in the past, thinning out further ahead."""
    if day <= today:
        return 0.8
    ahead = (day - today).days / max(days_ahead, 1)
    return max(0.25, 0.85 - 0.6 * ahead)


def _round_up(moment: datetime.datetime) -> datetime.datetime:
    extra = moment.minute % 15
    if extra:
        moment += datetime.timedelta(minutes=15 - extra)
    return moment


class Planner:
    def __init__(
        self,
        *,
        rng: random.Random,
        id_rng: random.Random,
        tz: datetime.tzinfo,
        now: datetime.datetime,
        patients: int,
        shifts: Sequence[Sequence[Shift]],
        modalities: Sequence[str],
        kinds: Sequence[VisitKind],
    ) -> None:
        self.rng = rng
        self.id_rng = id_rng
        self.tz = tz
        self.now = now
        self.patients = patients
        self.shifts = shifts
        self.modalities = modalities
        self.kinds = kinds
        self.states = [_ProviderState() for _ in shifts]

    def plan(self, *, days_back: int, days_ahead: int) -> list[Visit]:
        today = self.now.astimezone(self.tz).date()
        visits: list[Visit] = []
        for offset in range(-days_back, days_ahead + 1):
            day = today + datetime.timedelta(days=offset)
            rate = _fill_rate(day, today, days_ahead)
            busy: set[int] = set()
            for provider, shifts in enumerate(self.shifts):
                for shift in shifts:
                    if shift.weekday == day.weekday():
                        visits.extend(self._fill(provider, shift, day, rate, busy))
        return visits

    def _pick_patient(self, state: _ProviderState, busy: set[int]) -> int:
        rng = self.rng
        patient = 0
        for _ in range(6):
            if state.caseload and rng.random() < 0.65:
                patient = rng.choice(state.caseload)
            else:
                patient = rng.randrange(self.patients)
            if patient not in busy:
                break
        return patient

    def _pick_kind(self, modality: str, is_new: bool) -> VisitKind:
        options = [k for k in self.kinds if k.modality == modality]
        initial = [k for k in options if k.is_initial]
        if is_new and initial:
            return initial[0]
        returning = [k for k in options if not k.is_initial] or options
        return self.rng.choices(returning, weights=[k.weight for k in returning])[0]

    def _shortest(self, modality: str) -> VisitKind:
        options = [k for k in self.kinds if k.modality == modality]
        return min(options, key=lambda k: k.minutes)

    def _fill(
        self,
        provider: int,
        shift: Shift,
        day: datetime.date,
        rate: float,
        busy: set[int],
    ) -> list[Visit]:
        rng = self.rng
        state = self.states[provider]
        modality = self.modalities[provider]
        cursor = datetime.datetime.combine(day, shift.start, tzinfo=self.tz)
        close = datetime.datetime.combine(day, shift.end, tzinfo=self.tz)
        planned: list[Visit] = []
        while cursor < close:
            if rng.random() >= rate:
                cursor += SLOT * rng.choice((1, 2))
                continue
            patient = self._pick_patient(state, busy)
            kind = self._pick_kind(modality, patient not in state.seen)
            end = cursor + datetime.timedelta(minutes=kind.minutes)
            if end > close:
                kind = self._shortest(modality)
                end = cursor + datetime.timedelta(minutes=kind.minutes)
                if end > close:
                    break
            busy.add(patient)
            state.seen.add(patient)
            if patient not in state.caseload:
                state.caseload.append(patient)
                if len(state.caseload) > CASELOAD_SIZE:
                    state.caseload.pop(0)
            planned.append(
                self._visit(provider, shift.location, kind, patient, cursor, end)
            )
            cursor = _round_up(end)
        return planned

    def _visit(
        self,
        provider: int,
        location: int,
        kind: VisitKind,
        patient: int,
        start_local: datetime.datetime,
        end_local: datetime.datetime,
    ) -> Visit:
        rng = self.rng
        now = self.now
        start = start_local.astimezone(datetime.UTC)
        end = end_local.astimezone(datetime.UTC)
        lead = datetime.timedelta(hours=rng.uniform(2, 21 * 24))
        booked_at = min(
            start - lead, now - datetime.timedelta(minutes=rng.randint(5, 240))
        )
        visit = Visit(
            id=random_uuid(self.id_rng),
            provider=provider,
            location=location,
            kind=kind.index,
            patient=patient,
            start_at=start,
            end_at=end,
            status=Appointment.Status.BOOKED,
            booked_at=booked_at,
            changed_at=None,
        )
        if rng.random() < 0.06:
            visit.desk_note = rng.choice(DESK_NOTES)
        roll = rng.random()
        if end <= now:
            if roll < 0.07:
                visit.status = Appointment.Status.NO_SHOW
                visit.changed_at = start + datetime.timedelta(minutes=15)
            elif roll < 0.12:
                self._cancel(visit)
            else:
                visit.status = Appointment.Status.COMPLETED
                visit.changed_at = end
        elif start - now <= datetime.timedelta(minutes=15):
            # In the room now, or in the waiting room for the next slot.
            visit.status = Appointment.Status.ARRIVED
            visit.changed_at = max(booked_at, min(start, now) - SLOT)
        elif roll < 0.03:
            self._cancel(visit)
        return visit

    def _cancel(self, visit: Visit) -> None:
        notice = datetime.timedelta(hours=self.rng.uniform(3, 72))
        visit.status = Appointment.Status.CANCELLED
        visit.changed_at = max(
            visit.booked_at + datetime.timedelta(minutes=1),
            min(visit.start_at - notice, self.now),
        )
        visit.cancel_reason = self.rng.choice(CANCEL_REASONS)
