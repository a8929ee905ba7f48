"""The calendar board's JSON: the events it draws and the drags it sends.

The board is drawn by the browser; the server stays the source of truth. A
drag or a resize is a request to move the appointment through the same
service and checks as the edit form; a refusal names its reason, and the
board puts the appointment back where it was.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from practica.scheduling.errors import SchedulingError
from practica.scheduling.forms.board import BoardEventsForm, BoardMoveForm
from practica.scheduling.selectors.appointments import (
    get_appointment_for_change,
    list_locations,
    list_providers,
)
from practica.scheduling.selectors.board import board_events, list_board_providers
from practica.scheduling.services.appointments import move_appointment
from practica.scheduling.views.responses import INVALID, error_status
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW


@require_GET
@clinic_view(SCHEDULE_VIEW)
def calendar_events(request: HttpRequest) -> JsonResponse:
    """?location=&start=&end=[&provider=...]: {"events": [...], "background": [...]}."""
    actor = get_actor(request)
    form = BoardEventsForm(
        request.GET,
        locations=list_locations(actor=actor),
        providers=list_board_providers(actor=actor),
    )
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=INVALID)
    data = form.cleaned_data
    providers = data["provider"]
    result = board_events(
        actor=actor,
        location=data["location"],
        start_on=data["start"],
        end_on=data["end"],
        provider_ids=[p.pk for p in providers] if providers else None,
        can_edit=actor.can(SCHEDULE_EDIT),
    )
    return JsonResponse(asdict(result))


@require_POST
@clinic_view(SCHEDULE_EDIT)
def appointment_move(request: HttpRequest, appointment_id: uuid.UUID) -> JsonResponse:
    """start=<local>[&end=<local>][&provider=<id>]: 200 {"moved": id}, or
    409 (a clash) / 422 (outside hours, invalid) {"error": "<reason>"}."""
    actor = get_actor(request)
    appointment = get_appointment_for_change(actor=actor, appointment_id=appointment_id)
    form = BoardMoveForm(
        request.POST,
        location=appointment.location,
        providers=list_providers(actor=actor),
    )
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=INVALID)
    data = form.cleaned_data
    try:
        move_appointment(
            actor=actor,
            appointment=appointment,
            start_at=data["start"],
            provider=data["provider"],
            end_at=data["end"],
        )
    except SchedulingError as exc:
        return JsonResponse({"error": exc.message}, status=error_status(exc))
    response = JsonResponse({"moved": str(appointment.pk)})
    response["HX-Trigger"] = "appointment-changed"
    return response
