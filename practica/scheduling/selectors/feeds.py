"""Reads behind the private iCalendar feed of each provider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from practica.audit.services import record_view
from practica.scheduling.models import (
    Appointment,
    CalendarFeed,
    Provider,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor

# --- calendar feeds --------------------------------------------------------------

FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One appointment as a calendar app will hold it. No patient names: the
    apps sync to third-party servers, so the summary carries initials only."""

    uid: str
    start_at: dt.datetime
    end_at: dt.datetime
    timezone: str
    summary: str
    location_name: str
    sequence: int
    status: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class FeedCalendar:
    name: str
    events: list[FeedEvent]


def get_own_provider(*, actor: Actor) -> Provider | None:
    """The provider record of the acting member, if they are one."""
    if actor.membership is None:
        return None
    return Provider.objects.filter(
        clinic=actor.clinic, membership_id=actor.membership.pk
    ).first()


def get_active_feed(*, actor: Actor, provider: Provider) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        clinic=actor.clinic, provider=provider, revoked_at__isnull=True
    ).first()


@dataclass(frozen=True)
class ProviderFeed:
    provider: Provider
    feed: CalendarFeed | None


def list_provider_feeds(*, actor: Actor) -> list[ProviderFeed]:
    """Every active provider with their active feed, for a clinic manager who
    replaces or revokes feeds on providers' behalf. Two queries."""
    providers = list(
        Provider.objects.filter(clinic=actor.clinic, is_active=True).order_by(
            "display_name"
        )
    )
    feeds = {
        feed.provider_id: feed
        for feed in CalendarFeed.objects.filter(
            clinic=actor.clinic, revoked_at__isnull=True
        )
    }
    return [ProviderFeed(p, feeds.get(p.pk)) for p in providers]


def get_feed_for_change(*, actor: Actor, feed_id: int) -> CalendarFeed:
    """One feed of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(
        actor, CalendarFeed.objects.select_related("provider"), pk=feed_id
    )


def get_provider_for_feed(*, actor: Actor, provider_id: int) -> Provider:
    return scoped_get_or_404(actor, Provider.objects.all(), pk=provider_id)


# What a feed shows of an appointment, read as plain values, in this order.
FEED_COLUMNS = (
    "id",
    "start_at",
    "end_at",
    "status",
    "sequence",
    "updated_at",
    "location__name",
    "location__timezone",
    "appointment_type__name",
    "first_initial",
    "last_initial",
)


def _initials(first: str, last: str) -> str:
    return " ".join(f"{letter.upper()}." for letter in (first, last) if letter)


def feed_events(*, token: str, ip: str = "", user_agent: str = "") -> FeedCalendar:
    """The active feed's appointments from 30 days ago to 180 days ahead, except
    cancelled ones; unknown or revoked tokens are not found.

    A fixed number of queries: the feed with its provider and clinic, the
    appointments with their location and type (and only the initials of the
    patient's names), and the audit entry of the fetch.
    """
    feed = (
        CalendarFeed.objects.select_related("provider", "clinic")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404("Not found.")
    provider = feed.provider
    now = timezone.now()
    rows = (
        Appointment.objects.filter(
            clinic_id=feed.clinic_id,
            provider_id=provider.pk,
            start_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
            start_at__lt=now + dt.timedelta(days=FEED_DAYS_AHEAD),
        )
        .exclude(
            status__in=(
                Appointment.Status.CANCELLED,
                Appointment.Status.LATE_CANCELLED,
            )
        )
        .annotate(
            first_initial=Substr("patient__first_name", 1, 1),
            last_initial=Substr("patient__last_name", 1, 1),
        )
        .order_by("start_at")
        .values_list(*FEED_COLUMNS)
    )
    events = []
    for (
        pk,
        start_at,
        end_at,
        status,
        sequence,
        updated_at,
        location_name,
        tz_name,
        type_name,
        first_initial,
        last_initial,
    ) in rows:
        initials = _initials(first_initial, last_initial)
        summary = f"{type_name} \u2014 {initials}" if initials else type_name
        if status == Appointment.Status.NO_SHOW:
            summary += " (no-show)"
        events.append(
            FeedEvent(
                uid=f"{pk}@practica",
                start_at=start_at,
                end_at=end_at,
                timezone=tz_name,
                summary=summary,
                location_name=location_name,
                sequence=sequence,
                status="CONFIRMED",
                updated_at=updated_at,
            )
        )
    # No member is signed in: the token stands for the provider.
    reader = Actor(
        clinic=feed.clinic,
        user=None,
        membership=None,
        permissions=frozenset(),
        ip=ip,
        user_agent=user_agent,
    )
    record_view(
        actor=reader,
        obj=provider,
        patient_id=None,
        detail=f"ical feed appointments={len(events)}",
    )
    return FeedCalendar(
        name=f"{provider.display_name} \u2014 {feed.clinic.name}", events=events
    )
