"""The idle log-off activity stamp: written at most every 30 seconds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practica.tenancy.middleware import ACTIVITY_KEY, ACTIVITY_STAMP_SECONDS
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import OWNER
from practica.tenancy.tests.factories import make_member

PAGE = "/clinic/settings/"
START = dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.UTC)
ClientFor = Callable[[Membership], Client]


@pytest.fixture
def owner_client(
    clinic: Clinic,
    client_for: ClientFor,
    time_machine: time_machine.TimeMachineFixture,
) -> Client:
    """An owner logged in at START, with the clock stopped there."""
    time_machine.move_to(START, tick=False)
    return client_for(make_member(clinic, [OWNER]))


def _session_writes(client: Client, **headers: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, **headers)
    assert response.status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries)


def test_first_page_stamps_activity(owner_client: Client) -> None:
    # when
    writes = _session_writes(owner_client)

    # then
    assert writes == 1
    assert owner_client.session[ACTIVITY_KEY] == START.timestamp()


@pytest.mark.parametrize(
    ("later", "writes", "stamp"),
    [
        (ACTIVITY_STAMP_SECONDS, 0, 0),
        (ACTIVITY_STAMP_SECONDS + 1, 1, ACTIVITY_STAMP_SECONDS + 1),
    ],
)
def test_stamp_is_rewritten_only_when_older_than_30_seconds(
    owner_client: Client,
    time_machine: time_machine.TimeMachineFixture,
    later: int,
    writes: int,
    stamp: int,
) -> None:
    # given
    _session_writes(owner_client)

    # when
    time_machine.move_to(START + dt.timedelta(seconds=later), tick=False)
    written = _session_writes(owner_client)

    # then
    assert written == writes
    assert owner_client.session[ACTIVITY_KEY] == START.timestamp() + stamp


def test_polling_never_stamps(
    owner_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    _session_writes(owner_client)

    # when
    time_machine.move_to(START + dt.timedelta(minutes=5), tick=False)
    written = _session_writes(owner_client, HTTP_X_PRACTICA_POLL="1")

    # then
    assert written == 0
    assert owner_client.session[ACTIVITY_KEY] == START.timestamp()


def test_idle_log_off_counts_from_the_stored_stamp(
    clinic: Clinic,
    owner_client: Client,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given: a 15-minute limit, a stamp at START and a page 30 s later that
    # did not move it
    assert clinic.idle_timeout_minutes == 15
    _session_writes(owner_client)
    time_machine.move_to(START + dt.timedelta(seconds=30), tick=False)
    _session_writes(owner_client)

    # when: 15 minutes and 1 second after the stamp
    time_machine.move_to(START + dt.timedelta(minutes=15, seconds=1), tick=False)
    response = owner_client.get(PAGE)

    # then: logged off, at most 30 s before the limit counted from that page
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?idle=1"


def test_page_within_the_limit_keeps_the_session(
    owner_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    _session_writes(owner_client)

    # when: 15 minutes after the stamp, exactly the limit
    time_machine.move_to(START + dt.timedelta(minutes=15), tick=False)
    writes = _session_writes(owner_client)

    # then: still logged in, and the stamp moves on
    assert writes == 1
    assert (
        owner_client.session[ACTIVITY_KEY]
        == (START + dt.timedelta(minutes=15)).timestamp()
    )
