"""Fifty front-desk sessions book, move (with the edit form, or by dragging and
resizing on the calendar board) and cancel over the same few slots of
two providers and one room, at the same time, against a real server (gunicorn,
4 processes x 2 threads) on a fresh database: SQLite by default, PostgreSQL
with PRACTICA_DATABASE=postgres.

The slots are contested three ways: the two providers' own time, the clinic's
only gym (a "Gym rehab" visit needs it, whichever provider sees the patient),
and an "Assessment" whose buffers widen the time it holds. Afterwards no
request may have failed (every answer is a redirect, a 409 clash or a 422
refusal), no provider and no room may hold two overlapping active busy spans,
and the active bookings must be exactly the successful bookings minus the
successful cancellations.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from practica.scheduling.tests.live import LiveSite, Reply, Session, live_site

CLIENTS = 50
DESKS = 5  # log-ins shared by the sessions, as at a busy front desk
ROUNDS = 4  # operations per session
PASSWORD = "Synthetic-desk-pass-42"
SLOT_DAY = "2031-03-03"  # a Monday
SLOT_TIMES = ("10:00", "10:15", "10:30", "10:45", "11:00", "11:15")
ALLOWED = frozenset({200, 302, 409, 422})
_CREATED = re.compile(r"^/schedule/appointments/([0-9a-f-]{36})/$")

SEED = f"""
import datetime as dt, json
from decimal import Decimal
from practica.accounts.models import User
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Modality, RoomKind
from practica.scheduling.services.setup import (
    create_appointment_type, ensure_provider, set_working_hours,
)
from practica.scheduling.tests.factories import RoomFactory
from practica.tenancy.models import Location
from practica.tenancy.services import add_member, create_clinic

clinic = create_clinic(name="Busy Clinic", slug="busy")
location = Location.objects.create(clinic=clinic, name="Main")
for n in range({DESKS}):
    desk = User.objects.create_user(
        f"desk{{n}}@example.test", "{PASSWORD}", full_name=f"Desk {{n}}"
    )
    add_member(clinic=clinic, user=desk, role_keys=["front_desk"])
providers = []
for n, name in enumerate(("Dr Lee", "Dr Roy")):
    user = User.objects.create_user(
        f"clinician{{n}}@example.test", "{PASSWORD}", full_name=name
    )
    membership = add_member(clinic=clinic, user=user, role_keys=["provider"])
    provider = ensure_provider(
        clinic=clinic, membership=membership, display_name=name,
        modality=Modality.PHYSIOTHERAPY,
    )
    set_working_hours(
        clinic=clinic, provider=provider, location=location, weekday=0,
        blocks=[(dt.time(9), dt.time(17))],
    )
    providers.append(provider.pk)
gym = RoomFactory(clinic=clinic, location=location, name="Gym", kind=RoomKind.GYM)
rehab = create_appointment_type(
    clinic=clinic, name="Gym rehab", modality=Modality.PHYSIOTHERAPY,
    duration_minutes=30, price=Decimal("80.00"), room_kind=RoomKind.GYM,
)
assessment = create_appointment_type(
    clinic=clinic, name="Assessment", modality=Modality.PHYSIOTHERAPY,
    duration_minutes=30, price=Decimal("95.00"),
    buffer_before_minutes=5, buffer_after_minutes=15,
)
patients = [str(PatientFactory(clinic=clinic).pk) for _ in range({CLIENTS})]
print(json.dumps({{
    "providers": providers, "location": location.pk, "room": gym.pk,
    "types": [rehab.pk, assessment.pk], "patients": patients,
}}))
"""

RELEASED = "('cancelled', 'late_cancelled', 'no_show')"
ACTIVE = f"status NOT IN {RELEASED}"
COUNT_ACTIVE = f"SELECT count(*) FROM scheduling_appointment WHERE {ACTIVE}"
# Pairs of active appointments whose busy spans overlap on one provider (or,
# with the column changed, one room).
OVERLAPS = f"""
SELECT count(*) FROM scheduling_appointment a
JOIN scheduling_appointment b
  ON a.{{column}} = b.{{column}} AND a.id < b.id
 AND a.busy_from < b.busy_until AND b.busy_from < a.busy_until
WHERE a.status NOT IN {RELEASED} AND b.status NOT IN {RELEASED}
"""
# Rows whose busy span is not their time widened by their type's buffers.
WRONG_SPANS = """
SELECT a.start_at, a.end_at, a.busy_from, a.busy_until,
       t.buffer_before_minutes, t.buffer_after_minutes
FROM scheduling_appointment a
JOIN scheduling_appointmenttype t ON t.id = a.appointment_type_id
"""


@dataclass(frozen=True)
class Outcome:
    action: str
    status: int
    # The start of the answer when it is not an allowed one (the debug page
    # of a server error names the exception).
    detail: str = ""


class Workload:
    """The shared state of the run: appointments made so far, every answer."""

    def __init__(self, ids: dict[str, object]) -> None:
        self.ids = ids
        self.lock = threading.Lock()
        self.made: list[str] = []
        self.outcomes: list[Outcome] = []

    def note(self, reply: Reply, action: str, created: str = "") -> None:
        status = reply.status
        detail = "" if status in ALLOWED else _exception_line(reply.body)
        with self.lock:
            self.outcomes.append(Outcome(action, status, detail))
            if created:
                self.made.append(created)

    def pick(self, rng: random.Random) -> str | None:
        with self.lock:
            return rng.choice(self.made) if self.made else None


def _exception_line(body: str) -> str:
    """The exception's title from Django's debug page, else the body's start."""
    title = re.search(r"<title>(.*?)</title>", body, re.DOTALL)
    value = re.search(r'<pre class="exception_value">(.*?)</pre>', body, re.DOTALL)
    parts = [title.group(1) if title else body[:200], value.group(1) if value else ""]
    return " ".join(" ".join(parts).split())


def _session_run(
    session: Session, index: int, work: Workload, barrier: threading.Barrier
) -> None:
    rng = random.Random(index)
    ids = work.ids
    providers = [str(p) for p in ids["providers"]]  # type: ignore[attr-defined]
    types = [str(t) for t in ids["types"]]  # type: ignore[attr-defined]
    barrier.wait(timeout=60)
    for _ in range(ROUNDS):
        roll = rng.random()
        target = work.pick(rng)
        if target is None or roll < 0.45:
            reply = session.post(
                "/schedule/appointments/create/",
                {
                    "patient": ids["patients"][index],  # type: ignore[index]
                    "provider": rng.choice(providers),
                    "location": str(ids["location"]),
                    "appointment_type": rng.choice(types),
                    "date": SLOT_DAY,
                    "start_time": rng.choice(SLOT_TIMES),
                },
            )
            match = _CREATED.match(reply.location) if reply.status == 302 else None
            work.note(reply, "create", match.group(1) if match else "")
        elif roll < 0.62:
            reply = session.post(
                f"/schedule/appointments/{target}/edit/",
                {
                    "provider": rng.choice(providers),
                    "date": SLOT_DAY,
                    "start_time": rng.choice(SLOT_TIMES),
                },
            )
            work.note(reply, "move")
        elif roll < 0.8:
            # A drag on the board to another column and time; every other
            # one also resizes (drags the bottom edge) to 45 minutes.
            start = rng.choice(SLOT_TIMES)
            drop = {"start": f"{SLOT_DAY}T{start}", "provider": rng.choice(providers)}
            if rng.random() < 0.5:
                hour, minute = (int(part) for part in start.split(":"))
                end = hour * 60 + minute + 45
                drop["end"] = f"{SLOT_DAY}T{end // 60:02d}:{end % 60:02d}"
            reply = session.post(f"/schedule/appointments/{target}/move/", drop)
            work.note(reply, "drag")
        else:
            reply = session.post(
                f"/schedule/appointments/{target}/cancel/",
                {"reason": "Patient asked to cancel"},
            )
            work.note(reply, "cancel")


def _wrong_spans(site: LiveSite) -> list[tuple[object, ...]]:
    """Busy spans that differ from the visit widened by its type's buffers,
    compared in Python so the check reads the same on both databases."""
    import datetime as dt

    def moment(value: object) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)

    wrong = []
    for row in site.query_rows(WRONG_SPANS):
        start, end, busy_from, busy_until = (moment(v) for v in row[:4])
        before = dt.timedelta(minutes=int(str(row[4])))
        after = dt.timedelta(minutes=int(str(row[5])))
        if (busy_from, busy_until) != (start - before, end + after):
            wrong.append(row)
    return wrong


@pytest.mark.slow
def test_fifty_sessions_booking_moving_and_cancelling_never_double_book() -> None:
    # given: fifty logged-in sessions over five front-desk log-ins
    with live_site(SEED) as (site, seeded):
        ids = json.loads(seeded.strip().splitlines()[-1])
        sessions = [Session(site.base_url) for _ in range(CLIENTS)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            list(
                pool.map(
                    lambda i: sessions[i].log_in(
                        f"desk{i % DESKS}@example.test", PASSWORD
                    ),
                    range(CLIENTS),
                )
            )
        work = Workload(ids)
        barrier = threading.Barrier(CLIENTS)

        # when: all of them book, move and cancel over six quarter hours
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(
                pool.map(
                    lambda i: _session_run(sessions[i], i, work, barrier),
                    range(CLIENTS),
                )
            )
        active = site.count_rows(COUNT_ACTIVE)
        provider_overlaps = site.count_rows(OVERLAPS.format(column="provider_id"))
        room_overlaps = site.count_rows(OVERLAPS.format(column="room_id"))
        # Every gym booking that went through, whatever it became: the
        # random cancels and moves may leave none active at the end.
        gym_bookings = site.count_rows(
            "SELECT count(*) FROM scheduling_appointment "
            f"WHERE room_id = {int(ids['room'])}"
        )
        wrong_spans = _wrong_spans(site)

    # then
    tally = Counter((o.action, o.status) for o in work.outcomes)
    statuses = {o.status for o in work.outcomes}
    assert len(work.outcomes) == CLIENTS * ROUNDS
    assert statuses <= ALLOWED, [o for o in work.outcomes if o.detail]
    assert provider_overlaps == 0
    assert room_overlaps == 0
    assert wrong_spans == []
    assert active == tally[("create", 302)] - tally[("cancel", 302)]
    # The run really contested the slots: clashes were refused, and some
    # bookings, moves, cancellations and gym bookings went through.
    assert tally[("create", 409)] > 0
    assert tally[("create", 302)] > 0
    assert tally[("move", 302)] + tally[("drag", 200)] > 0
    assert tally[("cancel", 302)] > 0
    assert gym_bookings > 0
