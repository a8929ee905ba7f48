"""The calendar page: the board (day per provider column, week per provider)
drawn in the browser, and the list view as plain HTML.

The board page itself is light: the provider columns and the working-hours
span. Its events come from `scheduling:calendar-events` (views/board.py).
The list view is rendered here, so the schedule reads without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from practica.scheduling.forms.board import BoardQueryForm
from practica.scheduling.selectors.appointments import list_locations, list_providers
from practica.scheduling.selectors.board import board_setup
from practica.scheduling.selectors.calendars import calendar_week
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CLINIC_MANAGE, SCHEDULE_EDIT, SCHEDULE_VIEW

# --- calendar ------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _waitlist_url() -> str:
    """The waitlist matches panel, once that page exists."""
    try:
        return reverse("scheduling:waitlist-matches")
    except NoReverseMatch:
        return ""


@require_GET
@clinic_view(SCHEDULE_VIEW)
def calendar(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    locations = list(list_locations(actor=actor))
    if not locations:
        return render(request, "scheduling/calendar.html", {"location": None})
    query = BoardQueryForm(
        request.GET,
        locations=list_locations(actor=actor),
        providers=list_providers(actor=actor),
    )
    query.is_valid()  # invalid parameters fall back to the defaults below
    chosen = query.cleaned_data.get("location")
    location = next((loc for loc in locations if loc == chosen), locations[0])
    today = timezone.now().astimezone(location.tz).date()
    day: dt.date = query.cleaned_data.get("date") or today
    view: str = query.cleaned_data.get("view") or "day"
    colour: str = query.cleaned_data.get("colour") or "type"
    step = dt.timedelta(days=1 if view == "day" else 7)
    context: dict[str, Any] = {
        "locations": locations,
        "location": location,
        "view": view,
        "colour": colour,
        "day": day,
        "today": today,
        "previous_day": day - step,
        "next_day": day + step,
        "can_edit": actor.can(SCHEDULE_EDIT),
        "can_manage": actor.can(CLINIC_MANAGE),
        "waitlist_url": _waitlist_url(),
    }
    if view == "list":
        context["week"] = calendar_week(actor=actor, location=location, week_start=day)
        return render(request, "scheduling/calendar.html", context)

    start_on = day if view == "day" else _monday(day)
    end_on = start_on + step
    setup = board_setup(
        actor=actor, location=location, start_on=start_on, end_on=end_on
    )
    resources = setup.resources
    provider = query.cleaned_data.get("provider")
    provider_id = str(provider.pk) if provider else ""
    if view == "week":
        if not any(r["id"] == provider_id for r in resources) and resources:
            provider_id = resources[0]["id"]
        context["week_providers"] = resources
        resources = [r for r in resources if r["id"] == provider_id]
    placeholder = str(uuid.UUID(int=0))
    context["provider_id"] = provider_id
    context["has_columns"] = bool(resources)
    context["board"] = {
        "view": view,
        "date": start_on.isoformat(),
        "location": str(location.pk),
        "colour": colour,
        "resources": resources,
        "slotMinTime": setup.slot_min_time,
        "slotMaxTime": setup.slot_max_time,
        "canEdit": actor.can(SCHEDULE_EDIT),
        "eventsUrl": reverse("scheduling:calendar-events"),
        "moveUrl": reverse("scheduling:appointment-move", args=[placeholder]),
        "bookUrl": reverse("scheduling:appointment-create"),
        "placeholder": placeholder,
    }
    return render(request, "scheduling/calendar.html", context)
