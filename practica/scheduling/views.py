"""HTTP glue of scheduling: calendar, booking, appointment detail and changes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import (
    FeedPermissionError,
    OutsideWorkingHoursError,
    SchedulingError,
    SlotUnavailableError,
)
from practica.scheduling.forms import (
    AppointmentForm,
    AppointmentTypeForm,
    CalendarQueryForm,
    CancelForm,
    MoveForm,
    StatusForm,
    WorkingHoursForm,
)
from practica.scheduling.ical import feed_to_ical
from practica.scheduling.models import Appointment
from practica.scheduling.selectors import (
    calendar_day,
    calendar_week,
    feed_events,
    get_active_feed,
    get_appointment_for,
    get_appointment_for_change,
    get_appointment_type_for,
    get_feed_for_change,
    get_own_provider,
    get_patient_for_booking,
    get_provider_for_feed,
    list_all_appointment_types,
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_provider_weeks,
    list_providers,
)
from practica.scheduling.services import (
    book_appointment,
    cancel_appointment,
    create_appointment_type,
    create_feed,
    move_appointment,
    revoke_feed,
    set_status,
    set_working_hours,
    update_appointment_type,
)
from practica.tenancy.access import clinic_view, get_actor, public_view
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CLINIC_MANAGE, SCHEDULE_EDIT, SCHEDULE_VIEW

CONFLICT = 409
INVALID = 422


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _error_status(error: SchedulingError) -> int:
    return CONFLICT if isinstance(error, SlotUnavailableError) else INVALID


def _report(form: forms.Form, error: SchedulingError) -> str:
    """Show a refused booking: outside hours on its checkbox (so the person
    sees how to override), anything else at the top of the form."""
    if isinstance(error, OutsideWorkingHoursError):
        form.add_error("allow_outside_hours", error.message)
        return ""
    return error.message


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
    if _is_htmx(request):
        template += "#board"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
                status = _error_status(exc)
                error = _report(form, exc)
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
    if _is_htmx(request):
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
    if _is_htmx(request):
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
                status = _error_status(exc)
                error = _report(form, exc)
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
            request, appointment, status=_error_status(exc), error=exc.message
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
            request, appointment, status=_error_status(exc), error=exc.message
        )
    if _is_htmx(request):
        response = _detail_response(request, appointment)
        response["HX-Trigger"] = "appointment-changed"
        return response
    messages.success(request, f"Marked {appointment.get_status_display().lower()}.")
    return redirect("scheduling:appointment-detail", appointment.pk)


# --- clinic set-up: services and working hours -----------------------------------


def _setup_context(
    actor: Actor,
    type_form: AppointmentTypeForm | None = None,
    hours_form: WorkingHoursForm | None = None,
) -> dict[str, Any]:
    providers = list_providers(actor=actor)
    locations = list_locations(actor=actor)
    return {
        "types": list_all_appointment_types(actor=actor),
        "weeks": list_provider_weeks(actor=actor),
        "type_form": type_form or AppointmentTypeForm(),
        "hours_form": hours_form
        or WorkingHoursForm(providers=providers, locations=locations),
    }


@require_GET
@clinic_view(CLINIC_MANAGE)
def setup(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(request, "scheduling/setup.html", _setup_context(actor))


@require_POST
@clinic_view(CLINIC_MANAGE)
def type_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = AppointmentTypeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            create_appointment_type(
                clinic=actor.clinic,
                actor=actor,
                name=data["name"],
                modality=data["modality"],
                duration_minutes=data["duration_minutes"],
                price=data["price"],
                service_code=data["service_code"],
                is_taxable=data["is_taxable"],
            )
        except SchedulingError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, "Service added.")
            return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/setup.html",
        _setup_context(actor, type_form=form),
        status=INVALID,
    )


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    actor = get_actor(request)
    appointment_type = get_appointment_type_for(actor=actor, type_id=type_id)
    if request.method == "POST":
        form = AppointmentTypeForm(request.POST)
        if form.is_valid():
            try:
                update_appointment_type(
                    actor=actor, appointment_type=appointment_type, **form.cleaned_data
                )
            except SchedulingError as error:
                form.add_error("name", str(error))
            else:
                messages.success(request, "Service saved.")
                return redirect("scheduling:setup")
        status = INVALID
    else:
        form = AppointmentTypeForm(
            initial={
                field: getattr(appointment_type, field)
                for field in AppointmentTypeForm.base_fields
            }
        )
        status = 200
    return render(
        request,
        "scheduling/type_form.html",
        {"form": form, "appointment_type": appointment_type},
        status=status,
    )


@require_POST
@clinic_view(CLINIC_MANAGE)
def hours_set(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = WorkingHoursForm(
        request.POST,
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
    )
    if form.is_valid():
        data = form.cleaned_data
        set_working_hours(
            clinic=actor.clinic,
            actor=actor,
            provider=data["provider"],
            location=data["location"],
            weekday=data["weekday"],
            blocks=data["blocks"],
        )
        messages.success(request, "Working hours saved.")
        return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/setup.html",
        _setup_context(actor, hours_form=form),
        status=INVALID,
    )


# --- calendar feeds ------------------------------------------------------------


@public_view
@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The provider's private iCalendar feed; the token in the address is the
    only credential (calendar apps cannot log in)."""
    calendar = feed_events(
        token=token,
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.headers.get("User-Agent", ""),
    )
    response = HttpResponse(
        feed_to_ical(calendar), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@clinic_view(SCHEDULE_VIEW)
def feed_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    provider = get_own_provider(actor=actor)
    feed = get_active_feed(actor=actor, provider=provider) if provider else None
    feed_url = (
        request.build_absolute_uri(reverse("scheduling:feed-ics", args=[feed.token]))
        if feed
        else ""
    )
    return render(
        request,
        "scheduling/feed_list.html",
        {"provider": provider, "feed": feed, "feed_url": feed_url},
    )


@require_POST
@clinic_view(SCHEDULE_VIEW)
def feed_create(request: HttpRequest) -> HttpResponse:
    """Create (or replace) a feed: one's own, or, for a clinic manager, the
    provider named in the form."""
    actor = get_actor(request)
    raw = request.POST.get("provider", "")
    provider = (
        get_provider_for_feed(actor=actor, provider_id=int(raw))
        if raw.isdigit()
        else get_own_provider(actor=actor)
    )
    if provider is None:
        messages.error(request, "Only providers have a calendar feed.")
        return redirect("scheduling:feed-list")
    try:
        create_feed(actor=actor, provider=provider)
    except FeedPermissionError as error:
        messages.error(request, error.message)
        return redirect("scheduling:feed-list")
    messages.success(
        request, "New calendar feed created; any previous address stopped working."
    )
    return redirect("scheduling:feed-list")


@require_POST
@clinic_view(SCHEDULE_VIEW)
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = get_actor(request)
    feed = get_feed_for_change(actor=actor, feed_id=feed_id)
    try:
        revoke_feed(actor=actor, feed=feed)
    except FeedPermissionError as error:
        messages.error(request, error.message)
        return redirect("scheduling:feed-list")
    messages.success(request, "Calendar feed revoked; its address no longer works.")
    return redirect("scheduling:feed-list")
