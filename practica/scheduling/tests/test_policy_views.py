"""The appointment page's statuses and fees, and the clinic policy page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.billing.models import Invoice
from practica.scheduling.models import Appointment, SchedulingPolicy, StatusChange
from practica.scheduling.services.appointments import set_status
from practica.scheduling.tests.factories import (
    MONDAY,
    SchedulingPolicyFactory,
    local,
    make_appointment,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER
from practica.tenancy.tests.factories import actor_for, make_member

Status = Appointment.Status
ClientFor = Callable[[Membership], Client]
VISIT = local(MONDAY, 10)
STATUS_BUTTON = re.compile(
    r'name="status" value="\w+">\s*<button type="submit"[^>]*>([^<]+)</button>'
)
LATE_NOTICE = (
    "This is within 24 hours of the visit: a $40.00 late-cancellation fee "
    "will be charged."
)


@pytest.fixture
def desk(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK], full_name="Dana Desk")


@pytest.fixture
def desk_client(desk: Membership, client_for: ClientFor) -> Client:
    return client_for(desk)


@pytest.fixture
def policy(clinic: Clinic) -> SchedulingPolicy:
    policy: SchedulingPolicy = SchedulingPolicyFactory(clinic=clinic)
    return policy


@pytest.fixture
def two_hours_before(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(VISIT - dt.timedelta(hours=2), tick=False)


def _detail(appointment: Appointment) -> str:
    return reverse("scheduling:appointment-detail", args=[appointment.pk])


def _status(appointment: Appointment) -> str:
    return reverse("scheduling:appointment-status", args=[appointment.pk])


def _cancel(appointment: Appointment) -> str:
    return reverse("scheduling:appointment-cancel", args=[appointment.pk])


# --- the appointment page -------------------------------------------------------


def test_detail_shows_who_set_the_status_and_the_history(
    clinic: Clinic, desk: Membership, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)
    set_status(actor=actor_for(desk), appointment=appointment, status=Status.CONFIRMED)

    # when
    response = desk_client.get(_detail(appointment))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "by Dana Desk," in body
    assert "<td>Booked &rarr; Confirmed</td><td>Dana Desk</td>" in body


def test_detail_query_count_does_not_grow_with_the_history(
    clinic: Clinic, desk: Membership, desk_client: Client
) -> None:
    # given two appointments, one with a long history
    short = make_appointment(clinic)
    long = make_appointment(clinic)
    actor = actor_for(desk)
    for status in [Status.CONFIRMED, Status.ARRIVED, Status.BOOKED] * 3:
        set_status(actor=actor, appointment=long, status=status)

    desk_client.get(_detail(short))  # the first request also saves the session

    # when
    with CaptureQueriesContext(connection) as few:
        desk_client.get(_detail(short))
    with CaptureQueriesContext(connection) as many:
        desk_client.get(_detail(long))

    # then
    assert StatusChange.objects.filter(appointment=long).count() == 9
    assert len(many.captured_queries) == len(few.captured_queries) == 12


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (Status.BOOKED, ["Confirm", "Arrived"]),
        (Status.CONFIRMED, ["Arrived", "Unconfirm"]),
        (Status.ARRIVED, ["In session", "Completed", "Undo check-in"]),
        (Status.IN_SESSION, ["Back to arrived", "Completed"]),
        (Status.COMPLETED, ["Reopen (correction)"]),
        (Status.NO_SHOW, []),
        (Status.LATE_CANCELLED, []),
    ],
)
def test_detail_offers_the_statuses_allowed_next(
    clinic: Clinic, desk_client: Client, status: str, buttons: list[str]
) -> None:
    # given
    appointment = make_appointment(clinic, status=status)

    # when
    body = desk_client.get(_detail(appointment)).content.decode()

    # then
    offered = re.findall(STATUS_BUTTON, body)
    assert offered == buttons
    can_miss = status in (Status.BOOKED, Status.CONFIRMED)
    assert ("Mark no-show</button>" in body) is can_miss
    assert ("Cancel appointment</button>" in body) is can_miss


def test_front_desk_sets_in_session_full_page(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic, status=Status.ARRIVED)

    # when
    response = desk_client.post(_status(appointment), {"status": "in_session"})

    # then
    assert response.status_code == 302
    assert response["Location"] == _detail(appointment)
    appointment.refresh_from_db()
    assert appointment.status == Status.IN_SESSION


def test_front_desk_confirms_with_htmx(clinic: Clinic, desk_client: Client) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(
        _status(appointment), {"status": "confirmed"}, HTTP_HX_REQUEST="true"
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "appointment-changed"
    assert body.lstrip().startswith('<div id="appt-actions"')
    assert "Marked confirmed." in body
    assert "<td>Booked &rarr; Confirmed</td><td>Dana Desk</td>" in body


def test_billing_role_cannot_change_the_schedule(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    appointment = make_appointment(clinic)
    client = client_for(make_member(clinic, [BILLING]))

    # when
    status = client.post(_status(appointment), {"status": "no_show"})
    cancel = client.post(_cancel(appointment), {"reason": "Ill"})
    page = client.get(_detail(appointment)).content.decode()

    # then
    assert (status.status_code, cancel.status_code) == (403, 403)
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED
    assert "/status/" not in page
    assert "/cancel/" not in page


# --- cancelling and no-shows with fees ----------------------------------------


@pytest.mark.usefixtures("policy", "two_hours_before")
def test_cancel_form_says_the_late_fee_before_submitting(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    body = desk_client.get(_detail(appointment)).content.decode()

    # then
    assert LATE_NOTICE in body
    assert 'id="id_cancel_waive_fee"' in body


@pytest.mark.usefixtures("policy")
def test_cancel_form_outside_the_window_says_no_fee(
    clinic: Clinic, desk_client: Client
) -> None:
    # given a visit years away
    appointment = make_appointment(clinic)

    # when
    body = desk_client.get(_detail(appointment)).content.decode()

    # then
    assert "This is a plain cancellation: no fee applies." in body
    assert 'id="id_cancel_waive_fee"' not in body


@pytest.mark.usefixtures("policy", "two_hours_before")
def test_late_cancel_full_page_charges_the_fee_and_redirects(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(_cancel(appointment), {"reason": "Ill"})

    # then
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.LATE_CANCELLED
    fee = Invoice.objects.get(appointment=appointment)
    assert (fee.kind, fee.total) == (Invoice.Kind.LATE_CANCEL_FEE, Decimal("40.00"))
    page = desk_client.get(response["Location"]).content.decode()
    assert (
        f"Appointment late-cancelled. $40.00 late cancellation fee charged "
        f"(invoice #{fee.number})."
    ) in page


@pytest.mark.usefixtures("policy", "two_hours_before")
def test_late_cancel_with_htmx_returns_the_actions(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(
        _cancel(appointment),
        {"reason": "Ill", "waive_fee": "on", "waive_reason": "Snowstorm"},
        HTTP_HX_REQUEST="true",
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "appointment-changed"
    assert "Appointment late-cancelled. The $40.00 fee was waived." in body
    assert "Ill; fee waived: Snowstorm" in body
    assert not Invoice.objects.exists()


@pytest.mark.usefixtures("policy", "two_hours_before")
def test_waiver_without_reason_is_422_and_changes_nothing(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(
        _cancel(appointment), {"reason": "Ill", "waive_fee": "on"}
    )

    # then
    assert response.status_code == 422
    assert "Reason for waiving: Say why the fee is waived." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED
    assert not Invoice.objects.exists()


@pytest.mark.usefixtures("policy")
def test_no_show_button_charges_the_no_show_fee(
    clinic: Clinic, desk_client: Client
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    response = desk_client.post(
        _status(appointment), {"status": "no_show"}, HTTP_HX_REQUEST="true"
    )

    # then
    assert response.status_code == 200
    fee = Invoice.objects.get(appointment=appointment)
    assert (fee.kind, fee.total) == (Invoice.Kind.NO_SHOW_FEE, Decimal("60.00"))
    assert f"$60.00 no-show fee charged (invoice #{fee.number})" in (
        response.content.decode()
    )


@pytest.mark.usefixtures("policy")
def test_fee_invoice_shows_on_invoice_page_and_timeline(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given an owner (billing and schedule) marks a no-show
    client = client_for(make_member(clinic, [OWNER]))
    appointment = make_appointment(clinic)
    client.post(_status(appointment), {"status": "no_show"})
    fee = Invoice.objects.get(appointment=appointment)

    # when
    invoice_page = client.get(
        reverse("billing:invoice-detail", kwargs={"invoice_id": fee.pk})
    ).content.decode()
    timeline = client.get(
        f"/reports/patients/{appointment.patient_id}/timeline/"
    ).content.decode()

    # then
    assert "No-show fee for the visit on" in invoice_page
    assert f'href="{_detail(appointment)}"' in invoice_page
    assert f"Invoice #{fee.number}" in timeline
    assert "Create invoice" not in client.get(_detail(appointment)).content.decode()


# --- the policy page --------------------------------------------------------------


def test_policy_page_shows_defaults_without_creating_the_policy(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    client = client_for(make_member(clinic, [OWNER]))

    # when
    response = client.get(reverse("scheduling:policy-edit"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "No policy saved yet: these are the defaults." in body
    assert 'name="cancellation_window_hours" value="24"' in body
    assert not SchedulingPolicy.objects.exists()


def test_policy_page_saves_and_redirects(clinic: Clinic, client_for: ClientFor) -> None:
    # given
    client = client_for(make_member(clinic, [OWNER]))
    data = {
        "cancellation_window_hours": "24",
        "late_cancel_fee": "40",
        "no_show_fee": "60.00",
    }

    # when
    response = client.post(reverse("scheduling:policy-edit"), data)

    # then
    assert response.status_code == 302
    policy = SchedulingPolicy.objects.get(clinic=clinic)
    assert (
        policy.cancellation_window_hours,
        policy.late_cancel_fee,
        policy.no_show_fee,
    ) == (24, Decimal("40.00"), Decimal("60.00"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "late_cancel_fee",
            "-5",
            "Late-cancellation fee ($): The fee must be 0 or more.",
        ),
        (
            "no_show_fee",
            "12.345",
            "No-show fee ($): The fee can have at most 2 decimal places.",
        ),
        ("no_show_fee", "abc", "No-show fee ($): Enter an amount such as 40.00."),
        (
            "late_cancel_fee",
            "",
            "Late-cancellation fee ($): Enter the fee (0 for none).",
        ),
        (
            "cancellation_window_hours",
            "-1",
            "Cancellation window (hours): The window cannot be negative.",
        ),
        (
            "cancellation_window_hours",
            "2.5",
            "Cancellation window (hours): Enter a whole number of hours.",
        ),
    ],
)
def test_policy_page_refuses_bad_input_with_the_field_named(
    clinic: Clinic, client_for: ClientFor, field: str, value: str, message: str
) -> None:
    # given a saved policy
    client = client_for(make_member(clinic, [OWNER]))
    SchedulingPolicyFactory(clinic=clinic)
    data = {
        "cancellation_window_hours": "48",
        "late_cancel_fee": "10",
        "no_show_fee": "20",
        field: value,
    }

    # when
    response = client.post(reverse("scheduling:policy-edit"), data)

    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    policy = SchedulingPolicy.objects.get(clinic=clinic)
    assert (policy.cancellation_window_hours, policy.late_cancel_fee) == (
        24,
        Decimal("40.00"),
    )


def test_front_desk_cannot_change_the_policy(
    clinic: Clinic, desk_client: Client
) -> None:
    # when
    page = desk_client.get(reverse("scheduling:policy-edit"))
    save = desk_client.post(
        reverse("scheduling:policy-edit"),
        {"cancellation_window_hours": "1", "late_cancel_fee": "0", "no_show_fee": "0"},
    )

    # then
    assert (page.status_code, save.status_code) == (403, 403)
    assert not SchedulingPolicy.objects.exists()


def test_without_fees_the_forms_offer_no_waiver(
    clinic: Clinic, desk_client: Client
) -> None:
    # given no policy saved: the defaults charge nothing
    appointment = make_appointment(clinic)

    # when
    body = desk_client.get(_detail(appointment)).content.decode()

    # then
    assert "The clinic charges no no-show fee." in body
    assert "waive_fee" not in body


def test_setup_page_links_to_the_policy(clinic: Clinic, client_for: ClientFor) -> None:
    # when
    body = (
        client_for(make_member(clinic, [OWNER]))
        .get(reverse("scheduling:setup"))
        .content.decode()
    )

    # then
    assert f'href="{reverse("scheduling:policy-edit")}"' in body
