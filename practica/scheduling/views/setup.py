"""Clinic set-up: services (appointment types), working hours, rooms, what each
provider offers, availability exceptions and clinic holidays.

Every page here needs CLINIC_MANAGE. A successful POST redirects back to the
set-up page (post/redirect/get); an invalid one re-renders it with status 422
and the message on the field at fault.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import (
    SchedulingError,
)
from practica.scheduling.forms.appointments import (
    AppointmentTypeForm,
    WorkingHoursForm,
)
from practica.scheduling.forms.setup import (
    ExceptionForm,
    HolidayForm,
    ProviderSetupForm,
    RoomForm,
)
from practica.scheduling.selectors.appointments import list_locations, list_providers
from practica.scheduling.selectors.setup import (
    get_appointment_type_for,
    get_exception_for,
    get_holiday_for,
    get_provider_for_setup,
    get_room_for,
    list_all_appointment_types,
    list_provider_weeks,
    list_rooms,
    list_setup_providers,
    list_upcoming_exceptions,
    list_upcoming_holidays,
)
from practica.scheduling.services.availability_setup import (
    add_exception,
    add_holiday,
    create_room,
    delete_exception,
    delete_holiday,
    update_provider,
    update_room,
)
from practica.scheduling.services.setup import (
    create_appointment_type,
    set_working_hours,
    update_appointment_type,
)
from practica.scheduling.views.responses import (
    INVALID,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CLINIC_MANAGE

# --- clinic set-up: the page ------------------------------------------------------


def _clinic_today(actor: Actor) -> dt.date:
    """Today where the clinic is (its first location's time zone)."""
    first = list_locations(actor=actor).first()
    now = timezone.now()
    return timezone.localdate(now, first.tz) if first else now.date()


def _setup_context(
    actor: Actor,
    *,
    type_form: AppointmentTypeForm | None = None,
    hours_form: WorkingHoursForm | None = None,
    room_form: RoomForm | None = None,
    exception_form: ExceptionForm | None = None,
    holiday_form: HolidayForm | None = None,
) -> dict[str, Any]:
    providers = list_providers(actor=actor)
    locations = list_locations(actor=actor)
    today = _clinic_today(actor)
    return {
        "types": list_all_appointment_types(actor=actor),
        "weeks": list_provider_weeks(actor=actor),
        "rooms": list_rooms(actor=actor),
        "setup_providers": list_setup_providers(actor=actor),
        "exceptions": list_upcoming_exceptions(actor=actor, today=today),
        "holidays": list_upcoming_holidays(actor=actor, today=today),
        "type_form": type_form or AppointmentTypeForm(),
        "hours_form": hours_form
        or WorkingHoursForm(providers=providers, locations=locations),
        "room_form": room_form or RoomForm(locations=locations),
        "exception_form": exception_form
        or ExceptionForm(providers=providers, locations=locations),
        "holiday_form": holiday_form or HolidayForm(locations=locations),
    }


def _invalid_page(actor: Actor, request: HttpRequest, **forms: Any) -> HttpResponse:
    return render(
        request,
        "scheduling/setup.html",
        _setup_context(actor, **forms),
        status=INVALID,
    )


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
                buffer_before_minutes=data["buffer_before_minutes"],
                buffer_after_minutes=data["buffer_after_minutes"],
                colour=data["colour"],
                room_kind=data["room_kind"],
                patient_kind=data["patient_kind"],
                is_online_bookable=data["is_online_bookable"],
                capacity=data["capacity"],
            )
        except SchedulingError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, "Service added.")
            return redirect("scheduling:setup")
    return _invalid_page(actor, request, type_form=form)


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
    return _invalid_page(actor, request, hours_form=form)


# --- rooms -----------------------------------------------------------------------


@require_POST
@clinic_view(CLINIC_MANAGE)
def room_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = RoomForm(request.POST, locations=list_locations(actor=actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            create_room(
                actor=actor,
                location=data["location"],
                name=data["name"],
                kind=data["kind"],
            )
        except SchedulingError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, "Room added.")
            return redirect("scheduling:setup")
    return _invalid_page(actor, request, room_form=form)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    actor = get_actor(request)
    room = get_room_for(actor=actor, room_id=room_id)
    locations = list_locations(actor=actor)
    if request.method == "POST":
        form = RoomForm(request.POST, locations=locations)
        if form.is_valid():
            try:
                update_room(actor=actor, room=room, **form.cleaned_data)
            except SchedulingError as error:
                form.add_error("name", error.message)
            else:
                messages.success(request, "Room saved.")
                return redirect("scheduling:setup")
        status = INVALID
    else:
        form = RoomForm(
            locations=locations,
            initial={
                "location": room.location_id,
                "name": room.name,
                "kind": room.kind,
                "is_active": room.is_active,
            },
        )
        status = 200
    return render(
        request,
        "scheduling/room_form.html",
        {"form": form, "room": room},
        status=status,
    )


# --- providers: how they are shown, what they offer --------------------------------


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    actor = get_actor(request)
    provider = get_provider_for_setup(actor=actor, provider_id=provider_id)
    types = list_all_appointment_types(actor=actor)
    if request.method == "POST":
        form = ProviderSetupForm(request.POST, appointment_types=types)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_provider(
                    actor=actor,
                    provider=provider,
                    display_name=data["display_name"],
                    credentials=data["credentials"],
                    colour=data["colour"],
                    is_active=data["is_active"],
                    offered_types=list(data["offered_types"]),
                )
            except SchedulingError as error:
                form.add_error("is_active", error.message)
            else:
                messages.success(request, "Provider saved.")
                return redirect("scheduling:setup")
        status = INVALID
    else:
        form = ProviderSetupForm(
            appointment_types=types,
            initial={
                "display_name": provider.display_name,
                "credentials": provider.credentials,
                "colour": provider.colour,
                "is_active": provider.is_active,
                "offered_types": [t.pk for t in provider.offered_types.all()],
            },
        )
        status = 200
    return render(
        request,
        "scheduling/provider_form.html",
        {"form": form, "provider": provider},
        status=status,
    )


# --- availability exceptions -------------------------------------------------------


@require_POST
@clinic_view(CLINIC_MANAGE)
def exception_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ExceptionForm(
        request.POST,
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_exception(
                actor=actor,
                provider=data["provider"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                location=data["location"],
                note=data["note"],
            )
        except SchedulingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Exception added.")
            return redirect("scheduling:setup")
    return _invalid_page(actor, request, exception_form=form)


@require_POST
@clinic_view(CLINIC_MANAGE)
def exception_delete(request: HttpRequest, exception_id: int) -> HttpResponse:
    actor = get_actor(request)
    exception = get_exception_for(actor=actor, exception_id=exception_id)
    delete_exception(actor=actor, exception=exception)
    messages.success(request, "Exception removed.")
    return redirect("scheduling:setup")


# --- clinic holidays ---------------------------------------------------------------


@require_POST
@clinic_view(CLINIC_MANAGE)
def holiday_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = HolidayForm(request.POST, locations=list_locations(actor=actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_holiday(
                actor=actor,
                name=data["name"],
                on=data["on"],
                location=data["location"],
            )
        except SchedulingError as error:
            form.add_error("on", error.message)
        else:
            messages.success(request, "Holiday added.")
            return redirect("scheduling:setup")
    return _invalid_page(actor, request, holiday_form=form)


@require_POST
@clinic_view(CLINIC_MANAGE)
def holiday_delete(request: HttpRequest, holiday_id: int) -> HttpResponse:
    actor = get_actor(request)
    holiday = get_holiday_for(actor=actor, holiday_id=holiday_id)
    delete_holiday(actor=actor, holiday=holiday)
    messages.success(request, "Holiday removed.")
    return redirect("scheduling:setup")
