"""Booking an appointment, its page, and its changes (move, cancel, status)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import (
    SchedulingError,
)
from practica.scheduling.forms import (
    AppointmentForm,
    CancelForm,
    MoveForm,
    StatusForm,
)
from practica.scheduling.models import Appointment
from practica.scheduling.selectors import (
    get_appointment_for,
    get_appointment_for_change,
    get_patient_for_booking,
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_providers,
)
from practica.scheduling.services import (
    book_appointment,
    cancel_appointment,
    move_appointment,
    set_status,
)
from practica.scheduling.views.responses import (
    INVALID,
    error_status,
    is_htmx,
    report_refusal,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW

# --- booking -----------------------------------------------------------------


def _appointment_form(
    actor: Actor, data: QueryDict | None = None, initial: dict[str, Any] | None = None
) -> AppointmentForm:
    return AppointmentForm(
        data,
        initial=initial,
        patients=list_bookable_patients(actor=actor),
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
        appointment_types=list_appointment_types(actor=actor),
    )


def _prefill(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Initial values from ?provider=&location=&start=YYYY-MM-DDTHH:MM (local)."""
    initial: dict[str, Any] = {}
    provider_id = request.GET.get("provider", "")
    if (
        provider_id.isdigit()
        and list_providers(actor=actor).filter(pk=int(provider_id)).exists()
    ):
        initial["provider"] = int(provider_id)
    location_id = request.GET.get("location", "")
    if (
        location_id.isdigit()
        and list_locations(actor=actor).filter(pk=int(location_id)).exists()
    ):
        initial["location"] = int(location_id)
    day_text, _, time_text = request.GET.get("start", "").partition("T")
    try:
        initial_day = dt.date.fromisoformat(day_text)
        initial_time = dt.time.fromisoformat(time_text)
    except ValueError:
        pass
    else:
        initial["date"] = initial_day
        initial["start_time"] = initial_time.replace(second=0, microsecond=0)
    return initial


def _patient_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def appointment_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    if request.method == "POST":
        form = _appointment_form(actor, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = book_appointment(
                    actor=actor,
                    patient=data["patient"],
                    provider=data["provider"],
                    location=data["location"],
                    appointment_type=data["appointment_type"],
                    start_at=data["start_at"],
                    allow_outside_hours=data["allow_outside_hours"],
                    front_desk_note=data["front_desk_note"],
                )
            except SchedulingError as exc:
                status = error_status(exc)
                error = report_refusal(form, exc)
            else:
                messages.success(request, "Appointment booked.")
                return redirect("scheduling:appointment-detail", appointment.pk)
        else:
            status = INVALID
        chosen = form.cleaned_data.get("patient")
    else:
        initial = _prefill(request, actor)
        chosen = None
        patient_id = _patient_id(request.GET.get("patient", ""))
        if patient_id is not None:
            chosen = get_patient_for_booking(actor=actor, patient_id=patient_id)
            initial["patient"] = chosen.pk
        form = _appointment_form(actor, initial=initial)
    context = {"form": form, "patient": chosen, "error": error}
    template = "scheduling/appointment_form.html"
    if is_htmx(request):
        template += "#form"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one appointment -----------------------------------------------------------


def _detail_response(
    request: HttpRequest,
    appointment: Appointment,
    *,
    status: int = 200,
    error: str = "",
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    context = {
        "appointment": appointment,
        "error": error,
        "cancel_form": cancel_form or CancelForm(),
        "can_edit": get_actor(request).can(SCHEDULE_EDIT),
    }
    template = "scheduling/appointment_detail.html"
    if is_htmx(request):
        template += "#actions"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@clinic_view(SCHEDULE_VIEW)
def appointment_detail(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    appointment = get_appointment_for(actor=actor, appointment_id=appointment_id)
    return _detail_response(request, appointment)


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def appointment_edit(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    if request.method == "POST":
        appointment = get_appointment_for_change(
            actor=actor, appointment_id=appointment_id
        )
        form = MoveForm(
            request.POST,
            appointment=appointment,
            providers=list_providers(actor=actor),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                move_appointment(
                    actor=actor,
                    appointment=appointment,
                    start_at=data["start_at"],
                    provider=data["provider"],
                    allow_outside_hours=data["allow_outside_hours"],
                )
            except SchedulingError as exc:
                status = error_status(exc)
                error = report_refusal(form, exc)
            else:
                messages.success(request, "Appointment moved.")
                return redirect("scheduling:appointment-detail", appointment.pk)
        else:
            status = INVALID
    else:
        appointment = get_appointment_for(actor=actor, appointment_id=appointment_id)
        local = appointment.start_at.astimezone(appointment.location.tz)
        form = MoveForm(
            initial={
                "provider": appointment.provider_id,
                "date": local.date(),
                "start_time": local.time(),
            },
            appointment=appointment,
            providers=list_providers(actor=actor),
        )
    context = {"form": form, "appointment": appointment, "error": error}
    return render(request, "scheduling/appointment_edit.html", context, status=status)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def appointment_cancel(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    appointment = get_appointment_for_change(actor=actor, appointment_id=appointment_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, appointment, status=INVALID, cancel_form=form)
    try:
        cancel_appointment(
            actor=actor, appointment=appointment, reason=form.cleaned_data["reason"]
        )
    except SchedulingError as exc:
        return _detail_response(
            request, appointment, status=error_status(exc), error=exc.message
        )
    messages.success(request, "Appointment cancelled.")
    return redirect("scheduling:appointment-detail", appointment.pk)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def appointment_status(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    appointment = get_appointment_for_change(actor=actor, appointment_id=appointment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail_response(
            request,
            appointment,
            status=INVALID,
            error="Status: choose arrived, completed, no-show or booked.",
        )
    try:
        appointment = set_status(
            actor=actor, appointment=appointment, status=form.cleaned_data["status"]
        )
    except SchedulingError as exc:
        return _detail_response(
            request, appointment, status=error_status(exc), error=exc.message
        )
    if is_htmx(request):
        response = _detail_response(request, appointment)
        response["HX-Trigger"] = "appointment-changed"
        return response
    messages.success(request, f"Marked {appointment.get_status_display().lower()}.")
    return redirect("scheduling:appointment-detail", appointment.pk)
