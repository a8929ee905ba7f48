"""The waitlist and the free slots that match it.

Matches are computed from the current free time, so a slot freed by a
cancellation or a move matches at once. The query count does not grow with
the number of entries: entries are grouped by appointment type (the location is
the one asked for) and the availability engine runs once per group for the day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from practica.audit.services import record_view
from practica.scheduling.models import Provider, WaitlistEntry
from practica.scheduling.selectors.availability import Slot, find_slots
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

State = WaitlistEntry.State
# How many free slots one day can offer per type (a day of 10 providers at a
# quarter-hour step), and how many are listed per waiting patient.
SLOTS_PER_DAY = 400
SLOTS_PER_ENTRY = 6


def _entries(actor: Actor) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(clinic=actor.clinic)
        .select_related("patient", "appointment_type", "location")
        .prefetch_related(
            Prefetch("providers", queryset=Provider.objects.order_by("display_name"))
        )
    )


def list_waitlist(*, actor: Actor) -> list[WaitlistEntry]:
    """The patients waiting, oldest first; showing their names is audited."""
    entries = list(_entries(actor).filter(state=State.WAITING).order_by("created_at"))
    if entries:
        record_view(
            actor=actor,
            obj=None,
            patient_id=None,
            detail=f"waitlist {len(entries)} entries",
        )
    return entries


def get_waitlist_entry_for(
    *, actor: Actor, waitlist_entry_id: uuid.UUID
) -> WaitlistEntry:
    """One entry of the actor's clinic, for display: the view is audited."""
    entry = scoped_get_or_404(actor, _entries(actor), pk=waitlist_entry_id)
    record_view(actor=actor, obj=entry, patient_id=entry.patient_id)
    return entry


def get_waitlist_entry_for_change(
    *, actor: Actor, waitlist_entry_id: uuid.UUID
) -> WaitlistEntry:
    """One entry of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(actor, _entries(actor), pk=waitlist_entry_id)


@dataclass(frozen=True)
class SlotOffer:
    """A free slot offered to one waiting patient, as the panel prints it."""

    provider_id: int
    provider_name: str
    start_param: str  # the aware start, ISO 8601, posted back to book
    label: str  # "10:15-11:00 Dr Lee"


@dataclass(frozen=True)
class WaitlistMatch:
    entry: WaitlistEntry
    offers: list[SlotOffer]


def _waiting_on(actor: Actor, location: Location, day: dt.date) -> list[WaitlistEntry]:
    """Waiting entries whose dates, location and weekdays allow `day`."""
    entries = (
        _entries(actor)
        .filter(state=State.WAITING, wait_from__lte=day)
        .filter(Q(wait_until__isnull=True) | Q(wait_until__gte=day))
        .filter(Q(location__isnull=True) | Q(location=location))
        .order_by("created_at", "pk")
    )
    weekday = day.weekday()
    return [e for e in entries if not e.weekdays or weekday in e.weekdays]


def _suits(entry: WaitlistEntry, slot: Slot, tz: dt.tzinfo) -> bool:
    preferred = {provider.pk for provider in entry.providers.all()}
    if preferred and slot.provider.pk not in preferred:
        return False
    start = slot.start_at.astimezone(tz)
    end = slot.end_at.astimezone(tz)
    if entry.earliest_time is not None and start.time() < entry.earliest_time:
        return False
    return not (
        entry.latest_time is not None
        and (end.date() != start.date() or end.time() > entry.latest_time)
    )


def _offer(slot: Slot, tz: dt.tzinfo) -> SlotOffer:
    start = slot.start_at.astimezone(tz)
    end = slot.end_at.astimezone(tz)
    return SlotOffer(
        provider_id=slot.provider.pk,
        provider_name=slot.provider.display_name,
        start_param=slot.start_at.isoformat(),
        label=f"{start:%H:%M}\u2013{end:%H:%M} {slot.provider.display_name}",
    )


def find_waitlist_matches(
    *, actor: Actor, location: Location, day: dt.date
) -> list[WaitlistMatch]:
    """Free slots on `day` at `location` that suit waiting patients, entry by
    entry (oldest first); entries with no suitable slot are left out."""
    entries = _waiting_on(actor, location, day)
    by_type: dict[int, list[WaitlistEntry]] = defaultdict(list)
    for entry in entries:
        by_type[entry.appointment_type_id].append(entry)
    tz = location.tz
    now = timezone.now()
    offers: dict[uuid.UUID, list[SlotOffer]] = {}
    for group in by_type.values():
        slots = find_slots(
            actor=actor,
            appointment_type=group[0].appointment_type,
            location=location,
            start_on=day,
            days=1,
            limit=SLOTS_PER_DAY,
            not_before=now,
        )
        for entry in group:
            suitable = [s for s in slots if _suits(entry, s, tz)]
            offers[entry.pk] = [_offer(s, tz) for s in suitable[:SLOTS_PER_ENTRY]]
    matches = [WaitlistMatch(e, offers[e.pk]) for e in entries if offers.get(e.pk)]
    if matches:
        record_view(
            actor=actor,
            obj=None,
            patient_id=None,
            detail=f"waitlist matches {len(matches)} entries",
        )
    return matches
