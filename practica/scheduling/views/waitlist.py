"""The waitlist: its page, adding and editing an entry, the matching free slots
(a fragment the calendar loads in a side panel) and one-click booking."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.patients.models import Patient
from practica.scheduling.errors import SchedulingError
from practica.scheduling.forms.waitlist import (
    MatchesQueryForm,
    WaitlistBookForm,
    WaitlistEntryForm,
)
from practica.scheduling.selectors.appointments import (
    get_patient_for_booking,
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_providers,
)
from practica.scheduling.selectors.waitlist import (
    find_waitlist_matches,
    get_waitlist_entry_for,
    get_waitlist_entry_for_change,
    list_waitlist,
)
from practica.scheduling.services.waitlist import (
    WaitPreferences,
    add_to_waitlist,
    book_from_waitlist,
    remove_from_waitlist,
    update_waitlist_entry,
)
from practica.scheduling.views.responses import INVALID, error_status, is_htmx
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW

MATCHES_TEMPLATE = "scheduling/waitlist_matches.html"


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str,
    status: int = 200,
) -> HttpResponse:
    """The page, or its named partial for htmx (one URL, one template)."""
    name = f"{template}#{partial}" if is_htmx(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@clinic_view(SCHEDULE_VIEW)
def waitlist_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    context = {
        "entries": list_waitlist(actor=actor),
        "can_edit": actor.can(SCHEDULE_EDIT),
        "locations": list(list_locations(actor=actor)),
        "today": timezone.localdate(),
    }
    return _render(request, "scheduling/waitlist_list.html", context, partial="rows")


# --- an entry ------------------------------------------------------------------


def _entry_form(
    actor: Actor, data: QueryDict | None = None, initial: dict[str, Any] | None = None
) -> WaitlistEntryForm:
    return WaitlistEntryForm(
        data,
        initial=initial,
        patients=list_bookable_patients(actor=actor),
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
        appointment_types=list_appointment_types(actor=actor).filter(capacity=1),
    )


def _preferences(data: dict[str, Any]) -> WaitPreferences:
    return WaitPreferences(
        appointment_type=data["appointment_type"],
        location=data["location"],
        providers=list(data["providers"]),
        weekdays=data["weekdays"],
        earliest_time=data["earliest_time"],
        latest_time=data["latest_time"],
        wait_from=data["wait_from"],
        wait_until=data["wait_until"],
        note=data["note"],
    )


def _patient_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _form_page(
    request: HttpRequest, context: dict[str, Any], status: int
) -> HttpResponse:
    return _render(
        request, "scheduling/waitlist_form.html", context, partial="form", status=status
    )


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def waitlist_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    patient: Patient | None = None
    if request.method == "POST":
        form = _entry_form(actor, request.POST)
        if form.is_valid():
            try:
                add_to_waitlist(
                    actor=actor,
                    patient=form.cleaned_data["patient"],
                    preferences=_preferences(form.cleaned_data),
                )
            except SchedulingError as exc:
                status, error = error_status(exc), exc.message
            else:
                messages.success(request, "Added to the waitlist.")
                return redirect("scheduling:waitlist-list")
        else:
            status = INVALID
        patient = form.cleaned_data.get("patient")
    else:
        initial: dict[str, Any] = {"wait_from": timezone.localdate()}
        patient_id = _patient_id(request.GET.get("patient", ""))
        if patient_id is not None:
            patient = get_patient_for_booking(actor=actor, patient_id=patient_id)
            initial["patient"] = patient.pk
        form = _entry_form(actor, initial=initial)
    context = {"form": form, "patient": patient, "entry": None, "error": error}
    return _form_page(request, context, status)


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def waitlist_edit(request: HttpRequest, waitlist_entry_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    if request.method == "POST":
        entry = get_waitlist_entry_for_change(
            actor=actor, waitlist_entry_id=waitlist_entry_id
        )
        data = request.POST.copy()
        data["patient"] = str(entry.patient_id)  # the patient does not change
        form = _entry_form(actor, data)
        if form.is_valid():
            try:
                update_waitlist_entry(
                    actor=actor,
                    entry=entry,
                    preferences=_preferences(form.cleaned_data),
                )
            except SchedulingError as exc:
                status, error = error_status(exc), exc.message
            else:
                messages.success(request, "Waitlist entry saved.")
                return redirect("scheduling:waitlist-list")
        else:
            status = INVALID
    else:
        entry = get_waitlist_entry_for(actor=actor, waitlist_entry_id=waitlist_entry_id)
        form = _entry_form(
            actor,
            initial={
                "patient": entry.patient_id,
                "appointment_type": entry.appointment_type_id,
                "location": entry.location_id,
                "providers": [p.pk for p in entry.providers.all()],
                "weekdays": entry.weekdays,
                "earliest_time": entry.earliest_time,
                "latest_time": entry.latest_time,
                "wait_from": entry.wait_from,
                "wait_until": entry.wait_until,
                "note": entry.note,
            },
        )
    context = {"form": form, "patient": entry.patient, "entry": entry, "error": error}
    return _form_page(request, context, status)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def waitlist_remove(request: HttpRequest, waitlist_entry_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    entry = get_waitlist_entry_for_change(
        actor=actor, waitlist_entry_id=waitlist_entry_id
    )
    try:
        remove_from_waitlist(actor=actor, entry=entry)
    except SchedulingError as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:waitlist-list")
    if is_htmx(request):
        response = HttpResponse("")
        response["HX-Trigger"] = "waitlist-changed"
        return response
    messages.success(request, "Removed from the waitlist.")
    return redirect("scheduling:waitlist-list")


# --- matches and one-click booking ---------------------------------------------


def _matches_response(
    request: HttpRequest,
    actor: Actor,
    *,
    location: Location | None,
    day: dt.date,
    status: int = 200,
    error: str = "",
    booked_url: str = "",
) -> HttpResponse:
    matches = (
        find_waitlist_matches(actor=actor, location=location, day=day)
        if location is not None
        else []
    )
    context = {
        "matches": matches,
        "location": location,
        "day": day,
        "error": error,
        "booked_url": booked_url,
        "can_edit": actor.can(SCHEDULE_EDIT),
    }
    return _render(request, MATCHES_TEMPLATE, context, partial="matches", status=status)


@require_GET
@clinic_view(SCHEDULE_VIEW)
def waitlist_matches(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    locations = list_locations(actor=actor)
    form = MatchesQueryForm(request.GET, locations=locations)
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        return _matches_response(
            request,
            actor,
            location=None,
            day=timezone.localdate(),
            status=INVALID,
            error=f"Check {fields}: {_first_error(form)}",
        )
    location = form.cleaned_data["location"] or locations.first()
    day = form.cleaned_data["date"] or timezone.localdate()
    return _matches_response(request, actor, location=location, day=day)


def _first_error(form: MatchesQueryForm | WaitlistBookForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


@require_POST
@clinic_view(SCHEDULE_EDIT)
def waitlist_book(request: HttpRequest, waitlist_entry_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    entry = get_waitlist_entry_for_change(
        actor=actor, waitlist_entry_id=waitlist_entry_id
    )
    form = WaitlistBookForm(
        request.POST,
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
    )
    if not form.is_valid():
        return _matches_response(
            request,
            actor,
            location=entry.location or list_locations(actor=actor).first(),
            day=timezone.localdate(),
            status=INVALID,
            error=f"Check {', '.join(sorted(form.errors))}: {_first_error(form)}",
        )
    data = form.cleaned_data
    location: Location = data["location"]
    day = data["date"] or data["start"].astimezone(location.tz).date()
    try:
        appointment = book_from_waitlist(
            actor=actor,
            entry=entry,
            provider=data["provider"],
            location=location,
            start_at=data["start"],
        )
    except SchedulingError as exc:
        return _matches_response(
            request,
            actor,
            location=location,
            day=day,
            status=error_status(exc),
            error=exc.message,
        )
    url = reverse("scheduling:appointment-detail", args=[appointment.pk])
    if is_htmx(request):
        response = _matches_response(
            request, actor, location=location, day=day, booked_url=url
        )
        response["HX-Trigger"] = "appointment-changed"
        return response
    messages.success(request, "Booked from the waitlist.")
    return redirect(url)
