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

from practica.billing.errors import BillingError
from practica.billing.fees import MissedVisit, record_missed_visit
from practica.core.money import format_money
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
from practica.scheduling.selectors.policy import (
    cancellation_terms,
    get_policy,
    list_status_history,
    no_show_notice,
    status_buttons,
)
from practica.scheduling.services import (
    book_appointment,
    move_appointment,
    set_status,
)
from practica.scheduling.services.rules import ALLOWED_TRANSITIONS
from practica.scheduling.views.responses import (
    INVALID,
    error_status,
    is_htmx,
    report_refusal,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW

Status = Appointment.Status

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
    """Initial values from ?provider=&location=&type=&start=YYYY-MM-DDTHH:MM
    (local): the calendar's empty slots and "Find a time" link here."""
    initial: dict[str, Any] = {}
    type_id = request.GET.get("type", "")
    if (
        type_id.isdigit()
        and list_appointment_types(actor=actor).filter(pk=int(type_id)).exists()
    ):
        initial["appointment_type"] = int(type_id)
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
    notice: str = "",
    cancel_form: CancelForm | None = None,
    no_show_form: StatusForm | None = None,
) -> HttpResponse:
    """The appointment page, or (htmx) its actions partial: status with who
    and when, the buttons allowed next, cancel / no-show forms that say what
    fee applies, and the status history."""
    actor = get_actor(request)
    history = list_status_history(actor=actor, appointment=appointment)
    allowed = ALLOWED_TRANSITIONS[appointment.status]
    policy = get_policy(actor=actor)
    context = {
        "appointment": appointment,
        "error": error,
        "notice": notice,
        "history": history,
        "last_change": history[-1] if history else None,
        "buttons": status_buttons(appointment),
        "can_cancel": Status.CANCELLED in allowed,
        "can_no_show": Status.NO_SHOW in allowed,
        "cancel_terms": cancellation_terms(
            actor=actor, appointment=appointment, policy=policy
        )
        if Status.CANCELLED in allowed
        else None,
        "no_show_notice": no_show_notice(
            actor=actor, appointment=appointment, policy=policy
        )
        if Status.NO_SHOW in allowed
        else "",
        "cancel_form": cancel_form or CancelForm(auto_id="id_cancel_%s"),
        "no_show_form": no_show_form or StatusForm(auto_id="id_no_show_%s"),
        "no_show_fee": policy.no_show_fee,
        "can_edit": actor.can(SCHEDULE_EDIT),
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
    if appointment.is_group:
        # A class has no single patient: its page is the roster.
        return redirect("scheduling:class-detail", class_id=appointment.pk)
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


def _fee_message(outcome: MissedVisit) -> str:
    currency = outcome.appointment.location.currency
    if outcome.invoice is not None:
        return (
            f"{format_money(outcome.invoice.total, currency)} "
            f"{outcome.invoice.get_kind_display().lower()} charged "
            f"(invoice #{outcome.invoice.number})."
        )
    if outcome.is_waived:
        return f"The {format_money(outcome.fee, currency)} fee was waived."
    return ""


def _changed_response(
    request: HttpRequest, appointment: Appointment, message: str
) -> HttpResponse:
    """After a status change: the refreshed actions (htmx) or a redirect."""
    if is_htmx(request):
        response = _detail_response(request, appointment, notice=message)
        response["HX-Trigger"] = "appointment-changed"
        return response
    messages.success(request, message)
    return redirect("scheduling:appointment-detail", appointment.pk)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def appointment_cancel(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Cancel: late (with the policy's fee, unless waived) inside the window."""
    actor = get_actor(request)
    appointment = get_appointment_for_change(actor=actor, appointment_id=appointment_id)
    form = CancelForm(request.POST, auto_id="id_cancel_%s")
    if not form.is_valid():
        return _detail_response(request, appointment, status=INVALID, cancel_form=form)
    data = form.cleaned_data
    try:
        outcome = record_missed_visit(
            actor=actor,
            appointment=appointment,
            status=Status.CANCELLED,
            reason=data["reason"],
            waive=data["waive_fee"],
            waive_reason=data["waive_reason"],
        )
    except SchedulingError as exc:
        return _detail_response(
            request, appointment, status=error_status(exc), error=exc.message
        )
    except BillingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _detail_response(request, appointment, status=INVALID, cancel_form=form)
    changed = outcome.appointment
    message = f"Appointment {changed.get_status_display().lower()}. " + _fee_message(
        outcome
    )
    return _changed_response(request, changed, message.strip())


@require_POST
@clinic_view(SCHEDULE_EDIT)
def appointment_status(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """Set the next status; a no-show charges the policy's fee unless waived."""
    actor = get_actor(request)
    appointment = get_appointment_for_change(actor=actor, appointment_id=appointment_id)
    form = StatusForm(request.POST, auto_id="id_no_show_%s")
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _detail_response(
            request,
            appointment,
            status=INVALID,
            error=f"Status: {first}" if "status" in form.errors else "",
            no_show_form=form,
        )
    data = form.cleaned_data
    fee_text = ""
    try:
        if data["status"] == Status.NO_SHOW:
            outcome = record_missed_visit(
                actor=actor,
                appointment=appointment,
                status=Status.NO_SHOW,
                waive=data["waive_fee"],
                waive_reason=data["waive_reason"],
            )
            appointment = outcome.appointment
            fee_text = _fee_message(outcome)
        else:
            appointment = set_status(
                actor=actor, appointment=appointment, status=data["status"]
            )
    except SchedulingError as exc:
        return _detail_response(
            request, appointment, status=error_status(exc), error=exc.message
        )
    except BillingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _detail_response(request, appointment, status=INVALID, no_show_form=form)
    message = f"Marked {appointment.get_status_display().lower()}. {fee_text}"
    return _changed_response(request, appointment, message.strip())
