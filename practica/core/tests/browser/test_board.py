"""The calendar board in a real browser, as the front desk: drag an appointment
to a free time (moved and saved), onto a clash (snaps back, the reason is
read out, nothing saved), resize one, click an empty time to book, and read
six provider columns at 1024px without scrolling sideways. Screenshots go to
test-artifacts/board/."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from practica.core.tests.browser.conftest import ARTIFACTS
from practica.scheduling.models import Appointment, WaitlistEntry
from practica.scheduling.tests.factories import (
    WaitlistEntryFactory,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Location
from practica.tenancy.tests.factories import TEST_PASSWORD, make_clinic, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
SLOT_PX = 28  # the board's slotHeight: one 15-minute slot


@pytest.fixture
def board_artifacts() -> Path:
    path = ARTIFACTS / "board"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _log_in(browser: Browser, base_url: str, email: str) -> Page:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1024, "height": 900}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def _drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    steps = 12
    for i in range(1, steps + 1):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * i / steps,
            start[1] + (end[1] - start[1]) * i / steps,
        )
    page.mouse.up()


def _centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + min(12, box["height"] / 2)


def _column(page: Page, name: str) -> Locator:
    """The header of a provider's column."""
    return page.get_by_text(f"Provider {name}", exact=True)


def _event(page: Page, title: str) -> Locator:
    return page.locator(".ec-event", has_text=title).first


def test_front_desk_moves_resizes_and_books_on_the_board(
    browser: Browser, live_server: object, board_artifacts: Path
) -> None:
    # given a clinic with six providers working 08:00-18:00 every day, and
    # two appointments of the first tomorrow at 10:00 and 13:00
    clinic = make_clinic("Board Physio")
    location = Location.objects.get(clinic=clinic)
    make_member(clinic, ["front_desk"], email="desk@board.test")
    providers = [
        make_provider(
            clinic,
            location=location,
            weekdays=tuple(range(7)),
            start=dt.time(8),
            end=dt.time(18),
            display_name=f"Provider {name}",
        )
        for name in ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay")
    ]
    tomorrow = dt.datetime.now(TORONTO).date() + dt.timedelta(days=1)

    def at(hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(tomorrow, dt.time(hour, minute), tzinfo=TORONTO)

    first = make_appointment(
        clinic, provider=providers[0], location=location, start_at=at(10)
    )
    make_appointment(clinic, provider=providers[0], location=location, start_at=at(13))
    assert first.patient is not None
    first_name = first.patient.full_name
    page = _log_in(browser, str(live_server), "desk@board.test")

    # when the front desk opens tomorrow's board
    page.goto(f"/schedule/?date={tomorrow.isoformat()}&location={location.pk}")
    expect(_event(page, first_name)).to_be_visible()
    _shot(page, board_artifacts, "01-day-board")

    # then six columns fit in 1024px without a sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    expect(page.locator(".ec-event a.board-link").first).to_have_attribute(
        "href", f"/schedule/appointments/{first.pk}/"
    )

    # when the first appointment is dragged one hour later, to Ben's column
    ben_header = _column(page, "Ben")
    ben_box = ben_header.bounding_box()
    assert ben_box is not None
    start = _centre(_event(page, first_name))
    _drag(page, start, (ben_box["x"] + ben_box["width"] / 2, start[1] + 4 * SLOT_PX))

    # then it is saved there
    expect(page.locator("#board-status")).to_contain_text("moved to")
    first.refresh_from_db()
    assert (first.provider_id, first.start_at) == (providers[1].pk, at(11))
    _shot(page, board_artifacts, "02-moved-to-another-provider")

    # when it is dragged onto Ada's 13:00 appointment
    start = _centre(_event(page, first_name))
    ada_box = _column(page, "Ada").bounding_box()
    assert ada_box is not None
    _drag(page, start, (ada_box["x"] + ada_box["width"] / 2, start[1] + 8 * SLOT_PX))

    # then the server refuses, the board snaps back and says why
    expect(page.locator("#board-status")).to_contain_text("Not changed:")
    first.refresh_from_db()
    assert (first.provider_id, first.start_at) == (providers[1].pk, at(11))
    _shot(page, board_artifacts, "03-clash-refused")

    # when its lower edge is dragged down by two slots
    event = _event(page, first_name)
    event.hover()
    resizer = event.locator(".ec-resizer")
    box = resizer.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    _drag(page, (x, y), (x, y + 2 * SLOT_PX))

    # then it ends 30 minutes later
    expect(page.locator("#board-status")).to_contain_text("now ends at")
    first.refresh_from_db()
    assert (first.start_at, first.end_at) == (at(11), at(12, 15))
    _shot(page, board_artifacts, "04-resized")

    # when an empty time in Fay's column is clicked
    fay_box = _column(page, "Fay").bounding_box()
    assert fay_box is not None
    _, event_y = _centre(_event(page, first_name))
    page.mouse.click(fay_box["x"] + fay_box["width"] / 2, event_y)

    # then the booking form opens for Fay at that time
    page.wait_for_url("**/schedule/appointments/create/**")
    assert f"provider={providers[5].pk}" in page.url
    assert f"start={tomorrow.isoformat()}T11%3A" in page.url
    _shot(page, board_artifacts, "05-booking-from-an-empty-slot")
    assert Appointment.objects.filter(clinic=clinic).count() == 2


def test_booking_from_the_waitlist_panel_redraws_the_board(
    browser: Browser, live_server: object, board_artifacts: Path
) -> None:
    # given a provider free tomorrow morning and a patient waiting for a
    # morning slot with her
    clinic = make_clinic("Waitlist Physio")
    location = Location.objects.get(clinic=clinic)
    make_member(clinic, ["front_desk"], email="desk@waitlist.test")
    ada = make_provider(
        clinic,
        location=location,
        weekdays=tuple(range(7)),
        start=dt.time(9),
        end=dt.time(12),
        display_name="Provider Ada",
    )
    tomorrow = dt.datetime.now(TORONTO).date() + dt.timedelta(days=1)
    entry = WaitlistEntryFactory(
        clinic=clinic,
        location=location,
        wait_from=tomorrow,
        earliest_time=dt.time(9),
        latest_time=dt.time(12),
    )
    entry.providers.set([ada])
    waiting_name = entry.patient.full_name
    page = _log_in(browser, str(live_server), "desk@waitlist.test")
    page.goto(f"/schedule/?date={tomorrow.isoformat()}&location={location.pk}")
    expect(page.locator("#waitlist-panel")).to_contain_text(waiting_name)
    expect(page.locator("[data-board]")).not_to_contain_text(waiting_name)

    # when the front desk books the first slot the panel offers
    page.locator("#waitlist-panel").get_by_role("button", name="Book").first.click()

    # then the booking is on the board without reloading the page
    expect(_event(page, waiting_name)).to_be_visible()
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.BOOKED
    assert entry.booked_appointment is not None
    assert entry.booked_appointment.provider_id == ada.pk
    _shot(page, board_artifacts, "06-booked-from-the-waitlist")
