"""Demo cancellation policy: a 24-hour window, a $40.00 late-cancellation fee
and a $60.00 no-show fee, with a few missed visits carrying their fees.

- the three most recent no-shows of the past week get their no-show fee
  invoice (the generator marked them no-show; the fee is charged now);
- the first two visits booked inside the next 24 hours are cancelled late
  through the same service the appointment page uses: one charges the fee,
  the other has it waived with a reason;
- today's next three booked visits are confirmed, and the first patient in
  the building is in session.

Changes are made by the clinic's front desk member (so the status history
shows a name), through the scheduling and billing services. Deterministic for
a given clinic and moment: visits are taken in (start, id) order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from practica.billing.fees import record_missed_visit
from practica.billing.models import Invoice
from practica.billing.services import charge_policy_fee
from practica.scheduling.models import Appointment
from practica.scheduling.services.appointments import set_status
from practica.scheduling.services.policy import save_policy
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS, FRONT_DESK

Status = Appointment.Status
WINDOW_HOURS = 24
LATE_CANCEL_FEE = Decimal("40.00")
NO_SHOW_FEE = Decimal("60.00")


def _desk_actor(clinic: Clinic) -> Actor:
    """The clinic's front desk member, or the system if it has none."""
    membership = (
        Membership.objects.filter(clinic=clinic, roles__key=FRONT_DESK, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    return Actor(
        clinic=clinic,
        user=membership.user,
        membership=membership,
        permissions=membership.permission_set(),
    )


def seed_policy(clinic: Clinic, *, today: dt.date) -> None:
    actor = _desk_actor(clinic)
    save_policy(
        actor=actor,
        cancellation_window_hours=WINDOW_HOURS,
        late_cancel_fee=LATE_CANCEL_FEE,
        no_show_fee=NO_SHOW_FEE,
    )
    now = timezone.now()
    visits = Appointment.objects.filter(clinic=clinic, patient__isnull=False)

    recent_no_shows = visits.filter(
        status=Status.NO_SHOW,
        start_at__gte=now - dt.timedelta(days=7),
        start_at__lt=now,
    ).order_by("-start_at", "pk")[:3]
    for visit in recent_no_shows:
        charge_policy_fee(
            actor=actor,
            appointment=visit,
            kind=Invoice.Kind.NO_SHOW_FEE,
            amount=NO_SHOW_FEE,
        )

    inside_window = list(
        visits.filter(
            status=Status.BOOKED,
            start_at__gte=now + dt.timedelta(hours=2),
            start_at__lt=now + dt.timedelta(hours=WINDOW_HOURS),
        ).order_by("start_at", "pk")[:2]
    )
    if inside_window:
        record_missed_visit(
            actor=actor,
            appointment=inside_window[0],
            status=Status.CANCELLED,
            reason="Called in sick this morning",
        )
    if len(inside_window) > 1:
        record_missed_visit(
            actor=actor,
            appointment=inside_window[1],
            status=Status.CANCELLED,
            reason="Car broke down",
            waive=True,
            waive_reason="First late cancellation in three years",
        )

    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    tz = location.tz if location is not None else dt.UTC
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    # The next visits (today's, or tomorrow's when the demo opens after hours)
    # have been confirmed by phone.
    coming = visits.filter(
        start_at__gte=max(day_start, now), start_at__lt=day_start + dt.timedelta(days=2)
    )
    for visit in coming.filter(status=Status.BOOKED).order_by("start_at", "pk")[:6]:
        set_status(actor=actor, appointment=visit, status=Status.CONFIRMED)
    arrived = (
        visits.filter(
            status=Status.ARRIVED,
            start_at__gte=day_start,
            start_at__lt=day_start + dt.timedelta(days=1),
        )
        .order_by("start_at", "pk")
        .first()
    )
    if arrived is not None:
        set_status(actor=actor, appointment=arrived, status=Status.IN_SESSION)
