"""The calendar pages: day (one column per provider) and week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from practica.scheduling.forms import (
    CalendarQueryForm,
)
from practica.scheduling.selectors import (
    calendar_day,
    calendar_week,
    list_locations,
)
from practica.scheduling.views.responses import (
    is_htmx,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW

# --- calendar ------------------------------------------------------------------


@require_GET
@clinic_view(SCHEDULE_VIEW)
def calendar(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    locations = list(list_locations(actor=actor))
    if not locations:
        return render(request, "scheduling/calendar.html", {"calendar": None})
    query = CalendarQueryForm(request.GET, locations=list_locations(actor=actor))
    query.is_valid()  # invalid parameters fall back to the defaults below
    chosen = query.cleaned_data.get("location")
    location = next((loc for loc in locations if loc == chosen), locations[0])
    today = timezone.now().astimezone(location.tz).date()
    day: dt.date = query.cleaned_data.get("date") or today
    view = query.cleaned_data.get("view") or "day"
    context: dict[str, Any] = {
        "locations": locations,
        "location": location,
        "view": view,
        "day": day,
        "today": today,
        "can_edit": actor.can(SCHEDULE_EDIT),
    }
    if view == "week":
        context["week"] = calendar_week(actor=actor, location=location, week_start=day)
    else:
        context["calendar"] = calendar_day(actor=actor, location=location, day=day)
    template = "scheduling/calendar.html"
    if is_htmx(request):
        template += "#board"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
