"""The scheduling side of the bench clinic: rooms, breaks, time off, buffers.

The demo generator writes providers, single-block weekly hours, types and
years of appointments that hold exactly their own time and no room. This pass
turns that into the clinic the availability engine and the day view are
measured on (issue 3, "Speed"):

- 5 rooms: Downtown has treatment rooms 1 and 2, the gym and the counselling
  room; Mississauga has treatment room 3.
- Types with buffers and room needs: massage needs a treatment room and 15
  minutes after (linen); counselling holds 10 minutes after (notes; the
  counsellors see clients in their offices); foot care holds 5 minutes before
  and 10 after (instruments); the occupational therapy assessment needs the
  gym and its sessions the quiet counselling room.
- Each provider offers the types of their modality only.
- Weekly hours with a lunch break: a block of 6 hours or more is split into
  two around a 30-minute break 4 hours after the start.
- Time off and closures over the whole history: Ontario statutory holidays
  (all locations), a vacation week per provider per year, a sick day per
  provider per quarter, and a Saturday extra shift per provider per quarter.

Appointments (what the services would have produced, written in bulk):
- Future appointments that fall on a closure, in a provider's time off or in
  the new lunch break are cancelled ("Schedule change"), as the front desk
  would have done; past ones are history and stay.
- Busy spans: each active appointment is widened by its type's buffers where
  the provider's neighbouring appointments leave room, greedily in time order
  (the history was booked before the buffers existed, so a span that would
  overlap keeps the plain visit time on that side).
- Rooms: each appointment whose type needs a room takes the first room of the
  kind at its location that is free over its busy span. When none is (two
  counsellors at once, or a type that needs a kind the location lacks), a
  future appointment is cancelled and a past one keeps no room.
Everything is deterministic (seeded by the clinic's generated data only).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dateutil.easter import easter
from django.db import transaction
from django.db.models import F, Q

from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    RoomKind,
    WorkingHours,
)
from practica.tenancy.models import Clinic, Location

BATCH = 2000
LUNCH_AFTER = datetime.timedelta(hours=4)
LUNCH = datetime.timedelta(minutes=30)
SPLIT_FROM = datetime.timedelta(hours=6)
CANCEL_REASON = "Schedule change"

# (location index, name, kind)
ROOMS = (
    (0, "Treatment room 1", RoomKind.TREATMENT),
    (0, "Treatment room 2", RoomKind.TREATMENT),
    (0, "Gym", RoomKind.GYM),
    (0, "Counselling room", RoomKind.COUNSELLING),
    (1, "Treatment room 3", RoomKind.TREATMENT),
)
# Type name: (room kind, minutes before, minutes after)
TYPE_NEEDS = {
    "Massage therapy 60 min": (RoomKind.TREATMENT, 0, 15),
    "Massage therapy 90 min": (RoomKind.TREATMENT, 0, 15),
    "Counselling session": ("", 0, 10),
    "Occupational therapy session": (RoomKind.COUNSELLING, 0, 0),
    "Foot care nursing visit": ("", 5, 10),
    "Occupational therapy assessment": (RoomKind.GYM, 0, 0),
}


@dataclass
class _Row:
    id: object
    provider_id: int
    location_id: int
    type_id: int
    start_at: datetime.datetime
    end_at: datetime.datetime
    status: str
    before: int = 0
    after: int = 0
    room_id: int | None = None
    cancel: bool = False

    @property
    def busy_from(self) -> datetime.datetime:
        return self.start_at - datetime.timedelta(minutes=self.before)

    @property
    def busy_until(self) -> datetime.datetime:
        return self.end_at + datetime.timedelta(minutes=self.after)

    @property
    def is_active(self) -> bool:
        return self.status not in Appointment.RELEASING and not self.cancel


@dataclass
class LayoutCounts:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def ontario_holidays(year: int) -> list[tuple[str, datetime.date]]:
    def nth_monday(month: int, n: int) -> datetime.date:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))

    may_25 = datetime.date(year, 5, 25)
    return [
        ("New Year's Day", datetime.date(year, 1, 1)),
        ("Family Day", nth_monday(2, 3)),
        ("Good Friday", easter(year) - datetime.timedelta(days=2)),
        ("Victoria Day", may_25 - datetime.timedelta(days=may_25.weekday() or 7)),
        ("Canada Day", datetime.date(year, 7, 1)),
        ("Civic Holiday", nth_monday(8, 1)),
        ("Labour Day", nth_monday(9, 1)),
        ("Thanksgiving", nth_monday(10, 2)),
        ("Christmas Day", datetime.date(year, 12, 25)),
        ("Boxing Day", datetime.date(year, 12, 26)),
    ]


def lay_out_scheduling(
    clinic: Clinic, *, now: datetime.datetime, first_day: datetime.date
) -> dict[str, int]:
    """Apply the layout above to the generated clinic; returns row counts."""
    tally = LayoutCounts()
    locations = list(Location.objects.for_clinic(clinic).order_by("pk"))
    tz = locations[0].tz
    today = now.astimezone(tz).date()
    last_day = Appointment.objects.for_clinic(clinic).order_by("-start_at").first()
    end_day = (last_day.start_at.astimezone(tz).date() if last_day else today) + (
        datetime.timedelta(days=28)
    )
    with transaction.atomic():
        rooms = Room.objects.bulk_create(
            Room(clinic=clinic, location=locations[i], name=name, kind=kind)
            for i, name, kind in ROOMS
        )
        tally.add("rooms", len(rooms))
        types = _set_type_needs(clinic)
        providers = list(Provider.objects.for_clinic(clinic).order_by("pk"))
        tally.add("offered_types", offer_own_modality(providers, types.values()))
        hours = _split_hours(clinic)
        tally.add("working_hours", len(hours))
        holidays = _add_holidays(clinic, first_day, end_day)
        tally.add("holidays", len(holidays))
        time_off = _add_exceptions(clinic, providers, locations, first_day, end_day)
        tally.add("exceptions", len(time_off))
        rows = _read_rows(clinic, types)
        _cancel_future_conflicts(rows, now, tz, hours, holidays, time_off, tally)
        _widen_spans(rows)
        _assign_rooms(rows, rooms, types, now, tally)
        _write(clinic, rows, now, tally)
    return tally.counts


def _set_type_needs(clinic: Clinic) -> dict[int, AppointmentType]:
    types = {t.pk: t for t in AppointmentType.objects.for_clinic(clinic)}
    for kind in types.values():
        if kind.name in TYPE_NEEDS:
            room_kind, before, after = TYPE_NEEDS[kind.name]
            kind.room_kind = room_kind
            kind.buffer_before_minutes = before
            kind.buffer_after_minutes = after
    AppointmentType.objects.bulk_update(
        types.values(),
        ["room_kind", "buffer_before_minutes", "buffer_after_minutes"],
    )
    return types


def offer_own_modality(
    providers: Sequence[Provider], types: Iterable[AppointmentType]
) -> int:
    """Each provider offers the types of their own modality (none listed would
    mean every type: a physiotherapist offering massage)."""
    through = Provider.offered_types.through
    kinds = list(types)
    rows = [
        through(provider_id=provider.pk, appointmenttype_id=kind.pk)
        for provider in providers
        for kind in kinds
        if kind.modality == provider.modality
    ]
    through.objects.bulk_create(rows)
    return len(rows)


def _split_hours(clinic: Clinic) -> list[WorkingHours]:
    blocks = list(WorkingHours.objects.for_clinic(clinic).order_by("pk"))
    kept: list[WorkingHours] = []
    for block in blocks:
        start = datetime.datetime.combine(datetime.date(2000, 1, 3), block.start_time)
        end = datetime.datetime.combine(start.date(), block.end_time)
        if end - start < SPLIT_FROM:
            kept.append(block)
            continue
        lunch = start + LUNCH_AFTER
        for first, last in ((start, lunch), (lunch + LUNCH, end)):
            kept.append(
                WorkingHours(
                    clinic=clinic,
                    provider_id=block.provider_id,
                    location_id=block.location_id,
                    weekday=block.weekday,
                    start_time=first.time(),
                    end_time=last.time(),
                )
            )
    WorkingHours.objects.for_clinic(clinic).delete()
    return WorkingHours.objects.bulk_create(kept)


def _add_holidays(
    clinic: Clinic, first_day: datetime.date, end_day: datetime.date
) -> list[ClinicHoliday]:
    return ClinicHoliday.objects.bulk_create(
        ClinicHoliday(clinic=clinic, name=name, on=on)
        for year in range(first_day.year, end_day.year + 1)
        for name, on in ontario_holidays(year)
        if first_day <= on <= end_day
    )


def _add_exceptions(
    clinic: Clinic,
    providers: Sequence[Provider],
    locations: Sequence[Location],
    first_day: datetime.date,
    end_day: datetime.date,
) -> list[AvailabilityException]:
    kinds = AvailabilityException.Kind
    rows: list[AvailabilityException] = []
    for index, provider in enumerate(providers):
        # A vacation week a year (a different week per provider), a sick day
        # a quarter, and a Saturday morning extra shift a quarter.
        for year in range(first_day.year, end_day.year + 1):
            monday = datetime.date.fromisocalendar(year, 10 + 4 * index % 40, 1)
            rows.append(
                AvailabilityException(
                    clinic=clinic,
                    provider=provider,
                    kind=kinds.VACATION,
                    starts_on=monday,
                    ends_on=monday + datetime.timedelta(days=4),
                    note="Vacation",
                )
            )
        quarter = first_day
        while quarter <= end_day:
            sick = quarter + datetime.timedelta(days=(11 * index + 17) % 80)
            rows.append(
                AvailabilityException(
                    clinic=clinic,
                    provider=provider,
                    kind=kinds.SICK,
                    starts_on=sick,
                    ends_on=sick,
                )
            )
            extra = quarter + datetime.timedelta(days=(5 - quarter.weekday()) % 7 + 14)
            rows.append(
                AvailabilityException(
                    clinic=clinic,
                    provider=provider,
                    kind=kinds.EXTRA_SHIFT,
                    location=locations[index % len(locations)],
                    starts_on=extra,
                    ends_on=extra,
                    start_time=datetime.time(9),
                    end_time=datetime.time(12),
                )
            )
            quarter += datetime.timedelta(days=91)
    return [
        row
        for row in AvailabilityException.objects.bulk_create(rows)
        if row.starts_on <= end_day and row.ends_on >= first_day
    ]


def _read_rows(clinic: Clinic, types: dict[int, AppointmentType]) -> list[_Row]:
    """Every appointment, in (provider, start) order, with its type's buffers
    as the wanted widening."""
    rows = []
    for values in (
        Appointment.objects.for_clinic(clinic)
        .order_by("provider_id", "start_at")
        .values_list(
            "id",
            "provider_id",
            "location_id",
            "appointment_type_id",
            "start_at",
            "end_at",
            "status",
        )
        .iterator(chunk_size=BATCH)
    ):
        row = _Row(*values)
        kind = types[row.type_id]
        row.before = kind.buffer_before_minutes
        row.after = kind.buffer_after_minutes
        rows.append(row)
    return rows


def _cancel_future_conflicts(
    rows: Iterable[_Row],
    now: datetime.datetime,
    tz: datetime.tzinfo,
    hours: Sequence[WorkingHours],
    holidays: Sequence[ClinicHoliday],
    time_off: Sequence[AvailabilityException],
    tally: LayoutCounts,
) -> None:
    closed = {h.on for h in holidays}
    off: dict[int, set[datetime.date]] = defaultdict(set)
    for exception in time_off:
        if exception.is_extra_shift:
            continue
        day = exception.starts_on
        while day <= exception.ends_on:
            off[exception.provider_id].add(day)
            day += datetime.timedelta(days=1)
    blocks: dict[tuple[int, int, int], list[tuple[datetime.time, datetime.time]]]
    blocks = defaultdict(list)
    for block in hours:
        key = (block.provider_id, block.location_id, block.weekday)
        blocks[key].append((block.start_time, block.end_time))
    for row in rows:
        if row.start_at <= now or not row.is_active:
            continue
        start = row.start_at.astimezone(tz)
        end = row.end_at.astimezone(tz)
        day = start.date()
        within = any(
            first <= start.time() and end.time() <= last
            for first, last in blocks[(row.provider_id, row.location_id, day.weekday())]
        )
        if day in closed or day in off[row.provider_id] or not within:
            row.cancel = True
            tally.add("cancelled_future")


def _widen_spans(rows: Sequence[_Row]) -> None:
    """Rows are in (provider, start) order; see the module docstring."""
    by_provider: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.is_active:
            by_provider[row.provider_id].append(row)
    for own in by_provider.values():
        last_until: datetime.datetime | None = None
        for index, row in enumerate(own):
            wanted_before, wanted_after = row.before, row.after
            row.before = row.after = 0
            if wanted_before and (
                last_until is None
                or row.start_at - datetime.timedelta(minutes=wanted_before)
                >= last_until
            ):
                row.before = wanted_before
            following = own[index + 1] if index + 1 < len(own) else None
            if wanted_after and (
                following is None
                or row.end_at + datetime.timedelta(minutes=wanted_after)
                <= following.start_at
            ):
                row.after = wanted_after
            last_until = row.busy_until


def _assign_rooms(
    rows: Sequence[_Row],
    rooms: Sequence[Room],
    types: dict[int, AppointmentType],
    now: datetime.datetime,
    tally: LayoutCounts,
) -> None:
    free_at: dict[int, datetime.datetime] = {}
    needing = [row for row in rows if types[row.type_id].room_kind]
    needing.sort(key=lambda r: (r.busy_from, r.provider_id))
    for row in needing:
        kind = types[row.type_id].room_kind
        candidates = [
            room
            for room in rooms
            if room.kind == kind and room.location_id == row.location_id
        ]
        if not row.is_active:
            # Released time holds no room; keep the one it was booked in.
            row.room_id = candidates[0].pk if candidates else None
            continue
        for room in candidates:
            if free_at.get(room.pk) is None or free_at[room.pk] <= row.busy_from:
                row.room_id = room.pk
                free_at[room.pk] = row.busy_until
                tally.add("with_room")
                break
        else:
            if row.start_at > now:
                row.cancel = True
                tally.add("cancelled_future")
            else:
                tally.add("past_without_room")


def _write(
    clinic: Clinic,
    rows: Sequence[_Row],
    now: datetime.datetime,
    tally: LayoutCounts,
) -> None:
    """Group rows by what changes and update each group by id, in batches."""
    cancelled = [row.id for row in rows if row.cancel]
    for start in range(0, len(cancelled), BATCH):
        Appointment.objects.filter(
            clinic=clinic, pk__in=cancelled[start : start + BATCH]
        ).update(
            status=Appointment.Status.CANCELLED,
            status_changed_at=now,
            cancel_reason=CANCEL_REASON,
        )
    groups: dict[tuple[int, int, int | None], list[object]] = defaultdict(list)
    for row in rows:
        if row.before or row.after or row.room_id is not None:
            groups[(row.before, row.after, row.room_id)].append(row.id)
            if row.before or row.after:
                tally.add("buffered")
    for (before, after, room_id), ids in groups.items():
        for start in range(0, len(ids), BATCH):
            Appointment.objects.filter(
                Q(clinic=clinic), pk__in=ids[start : start + BATCH]
            ).update(
                busy_from=F("start_at") - datetime.timedelta(minutes=before),
                busy_until=F("end_at") + datetime.timedelta(minutes=after),
                room_id=room_id,
            )
