"""The provider's private iCalendar feed: its contents, its token, its management."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import FeedPermissionError
from practica.scheduling.models import Appointment, CalendarFeed, Provider
from practica.scheduling.services import (
    cancel_appointment,
    create_feed,
    move_appointment,
    revoke_feed,
)
from practica.scheduling.tests.factories import (
    MONDAY,
    CalendarFeedFactory,
    local,
    make_appointment,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ADMIN, FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]

# Two days before MONDAY (2031-03-03, Toronto still on standard time).
NOW = dt.datetime(2031, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("scheduling:feed-ics", args=[feed.token])


def _fetch(feed: CalendarFeed) -> icalendar.Calendar:
    response = Client().get(_feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return list(cal.walk("VEVENT"))


def _provider_actor(provider: Provider) -> Actor:
    return actor_for(provider.membership)


# --- the feed --------------------------------------------------------------------


def test_feed_lists_appointments_in_the_locations_time_zone(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic, display_name="Dr Lee")
    appointment = make_appointment(
        clinic,
        provider=provider,
        start_at=local(MONDAY, 10),
        patient=PatientFactory(clinic=clinic, first_name="Zelda", last_name="Quimby"),
    )
    feed = CalendarFeedFactory(provider=provider)

    # when
    cal = _fetch(feed)

    # then
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Practica//Provider calendar feed//EN"
    assert str(cal["X-WR-CALNAME"]) == f"Dr Lee \u2014 {clinic.name}"
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["America/Toronto"]
    [event] = _events(cal)
    assert str(event["UID"]) == f"{appointment.pk}@practica"
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert event["DTSTART"].to_ical() == b"20310303T100000"
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-5)
    assert event["DTEND"].params["TZID"] == "America/Toronto"
    assert event["DTEND"].to_ical() == b"20310303T104500"
    assert str(event["SUMMARY"]) == f"{appointment.appointment_type.name} \u2014 Z. Q."
    assert str(event["LOCATION"]) == appointment.location.name
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("SEQUENCE") == 0
    assert "DTSTAMP" in event


def test_feed_never_shows_the_patients_name(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    make_appointment(
        clinic,
        provider=provider,
        patient=PatientFactory(clinic=clinic, first_name="Zelda", last_name="Quimby"),
    )
    feed = CalendarFeedFactory(provider=provider)

    # when
    body = Client().get(_feed_url(feed)).content.decode()

    # then
    assert "Zelda" not in body
    assert "Quimby" not in body


def test_sequence_increases_when_an_appointment_moves(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    appointment = make_appointment(clinic, provider=provider)
    feed = CalendarFeedFactory(provider=provider)
    desk = actor_for(make_member(clinic, [FRONT_DESK]))

    # when
    move_appointment(actor=desk, appointment=appointment, start_at=local(MONDAY, 11))

    # then: same UID, later time, higher sequence
    [event] = _events(_fetch(feed))
    assert str(event["UID"]) == f"{appointment.pk}@practica"
    assert event["DTSTART"].to_ical() == b"20310303T110000"
    assert event.decoded("SEQUENCE") == 1


def test_cancelled_and_out_of_window_appointments_are_absent(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    kept = make_appointment(clinic, provider=provider, start_at=local(MONDAY, 9))
    cancelled = make_appointment(clinic, provider=provider, start_at=local(MONDAY, 11))
    make_appointment(
        clinic, provider=provider, start_at=local(MONDAY - dt.timedelta(days=40), 9)
    )
    make_appointment(
        clinic, provider=provider, start_at=local(MONDAY + dt.timedelta(days=200), 9)
    )
    make_appointment(clinic, start_at=local(MONDAY, 13))  # another provider's
    desk = actor_for(make_member(clinic, [FRONT_DESK]))
    cancel_appointment(actor=desk, appointment=cancelled, reason="Unwell")
    late = make_appointment(clinic, provider=provider, start_at=local(MONDAY, 14))
    cancel_appointment(actor=desk, appointment=late, reason="Unwell", late=True)
    feed = CalendarFeedFactory(provider=provider)

    # when
    events = _events(_fetch(feed))

    # then
    assert [str(e["UID"]) for e in events] == [f"{kept.pk}@practica"]


def test_each_fetch_is_audited_against_the_provider(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    feed = CalendarFeedFactory(provider=provider)

    # when
    Client().get(_feed_url(feed), HTTP_USER_AGENT="CalendarApp/1.0")

    # then
    entry = AuditEntry.objects.filter(clinic_id=clinic.pk).order_by("-seq")[0]
    assert (entry.action, entry.object_type, entry.object_id) == (
        "view",
        "scheduling.provider",
        str(provider.pk),
    )
    assert entry.patient_id is None
    assert entry.user_id is None
    assert entry.detail == "ical feed appointments=0"
    assert entry.user_agent == "CalendarApp/1.0"


@pytest.mark.parametrize("token", ["revoked", "unknown"])
def test_revoked_or_unknown_token_is_not_found(clinic: Clinic, token: str) -> None:
    # given
    provider = make_provider(clinic)
    make_appointment(clinic, provider=provider)
    feed = CalendarFeedFactory(provider=provider)
    revoke_feed(actor=_provider_actor(provider), feed=feed)
    url = _feed_url(feed) if token == "revoked" else "/schedule/feeds/nope.ics"

    # when
    response = Client().get(url)

    # then
    assert response.status_code == 404
    assert clinic.name not in response.content.decode()
    assert provider.display_name not in response.content.decode()


def test_feed_takes_a_constant_number_of_queries(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    feed = CalendarFeedFactory(provider=provider)
    client = Client()
    client.get(_feed_url(feed))  # the clinic's audit chain now exists
    counts = []
    for total in (2, 10):
        while Appointment.objects.filter(provider=provider).count() < total:
            n = Appointment.objects.filter(provider=provider).count()
            make_appointment(
                clinic,
                provider=provider,
                start_at=local(MONDAY, 9) + dt.timedelta(days=n),
            )

        # when
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_feed_url(feed))
        assert len(_events(icalendar.Calendar.from_ical(response.content))) == total
        counts.append(len(queries))

    # then
    assert counts[0] == counts[1]


# --- services --------------------------------------------------------------------


def test_provider_creates_a_feed_and_replacing_it_revokes_the_old(
    clinic: Clinic,
) -> None:
    # given
    provider = make_provider(clinic)
    actor = _provider_actor(provider)
    first = create_feed(actor=actor, provider=provider)

    # when
    second = create_feed(actor=actor, provider=provider)

    # then
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert second.token != first.token
    assert len(second.token) == 43
    actions = list(
        AuditEntry.objects.filter(object_type="scheduling.calendarfeed")
        .order_by("seq")
        .values_list("action", "object_id")
    )
    assert actions == [
        ("create", str(first.pk)),
        ("revoke", str(first.pk)),
        ("create", str(second.pk)),
    ]


def test_clinic_manager_may_manage_a_providers_feed(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    admin = actor_for(make_member(clinic, [ADMIN]))

    # when
    feed = create_feed(actor=admin, provider=provider)
    revoke_feed(actor=admin, feed=feed)

    # then
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_front_desk_cannot_create_or_revoke_a_providers_feed(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    feed = CalendarFeedFactory(provider=provider)
    desk = actor_for(make_member(clinic, [FRONT_DESK]))

    # when / then
    with pytest.raises(FeedPermissionError):
        create_feed(actor=desk, provider=provider)
    with pytest.raises(FeedPermissionError):
        revoke_feed(actor=desk, feed=feed)
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert CalendarFeed.objects.filter(provider=provider).count() == 1


def test_another_providers_feed_is_not_theirs(clinic: Clinic) -> None:
    # given
    provider = make_provider(clinic)
    colleague = make_provider(clinic)

    # when / then
    with pytest.raises(FeedPermissionError):
        create_feed(actor=_provider_actor(colleague), provider=provider)


# --- staff pages -------------------------------------------------------------------


def test_provider_sees_creates_and_revokes_their_feed(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    provider = make_provider(clinic)
    client = client_for(provider.membership)

    # when
    created = client.post(reverse("scheduling:feed-create"))
    page = client.get(reverse("scheduling:feed-list"))

    # then
    feed = CalendarFeed.objects.get(provider=provider)
    assert created.status_code == 302
    assert f"http://testserver/schedule/feeds/{feed.token}.ics" in page.content.decode()

    # when
    revoked = client.post(reverse("scheduling:feed-revoke", args=[feed.pk]))

    # then
    feed.refresh_from_db()
    assert revoked.status_code == 302
    assert feed.revoked_at is not None
    assert (
        feed.token not in client.get(reverse("scheduling:feed-list")).content.decode()
    )


def test_front_desk_cannot_create_a_feed_for_a_provider(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    provider = make_provider(clinic)
    client = client_for(make_member(clinic, [FRONT_DESK]))

    # when
    response = client.post(
        reverse("scheduling:feed-create"), {"provider": provider.pk}, follow=True
    )

    # then
    assert not CalendarFeed.objects.filter(provider=provider).exists()
    assert (
        "Only the provider or a clinic manager can manage a calendar feed."
        in response.content.decode()
    )


def test_another_clinics_feed_cannot_be_revoked(
    clinic: Clinic, other_clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    feed = CalendarFeedFactory(provider=make_provider(other_clinic))
    client = client_for(make_member(clinic, [ADMIN]))

    # when
    response = client.post(reverse("scheduling:feed-revoke", args=[feed.pk]))

    # then
    assert response.status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_manager_lists_every_providers_feed_without_their_addresses(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given one provider with a feed and one without
    with_feed = make_provider(clinic, display_name="Dr Alpha")
    make_provider(clinic, display_name="Dr Beta")
    feed = CalendarFeedFactory(provider=with_feed)
    client = client_for(make_member(clinic, [ADMIN]))

    # when
    page = client.get(reverse("scheduling:feed-list")).content.decode()

    # then both are listed, and the secret address is not shown to the manager
    assert "Dr Alpha" in page
    assert "Dr Beta" in page
    assert feed.token not in page
    assert f'action="{reverse("scheduling:feed-revoke", args=[feed.pk])}"' in page


def test_manager_replaces_a_providers_feed_from_the_list(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    provider = make_provider(clinic)
    old = CalendarFeedFactory(provider=provider)
    client = client_for(make_member(clinic, [ADMIN]))

    # when
    response = client.post(reverse("scheduling:feed-create"), {"provider": provider.pk})

    # then
    old.refresh_from_db()
    assert response.status_code == 302
    assert old.revoked_at is not None
    assert (
        CalendarFeed.objects.filter(provider=provider, revoked_at__isnull=True)
        .exclude(pk=old.pk)
        .count()
        == 1
    )


def test_front_desk_sees_no_list_of_providers_feeds(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    make_provider(clinic, display_name="Dr Alpha")
    client = client_for(make_member(clinic, [FRONT_DESK]))

    # when
    page = client.get(reverse("scheduling:feed-list")).content.decode()

    # then
    assert "Every provider's feed" not in page
    assert "Dr Alpha" not in page
