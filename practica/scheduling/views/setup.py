"""Clinic set-up: services (appointment types) and working hours."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import (
    SchedulingError,
)
from practica.scheduling.forms import (
    AppointmentTypeForm,
    WorkingHoursForm,
)
from practica.scheduling.selectors import (
    get_appointment_type_for,
    list_all_appointment_types,
    list_locations,
    list_provider_weeks,
    list_providers,
)
from practica.scheduling.services import (
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
