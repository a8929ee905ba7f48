"""Recurring series: book one (with a preview of every occurrence), its page,
and changes to its future occurrences (move or cancel, all or from one on)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import SchedulingError
from practica.scheduling.forms.series import (
    Resolutions,
    SeriesCancelForm,
    SeriesForm,
    SeriesRescheduleForm,
    occurrence_key,
    read_resolutions,
)
from practica.scheduling.models import Appointment, AppointmentSeries
from practica.scheduling.selectors.appointments import (
    get_patient_for_booking,
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_providers,
)
from practica.scheduling.selectors.series import (
    OccurrenceCheck,
    changeable_appointments,
    check_occurrences,
    check_reschedule,
    get_series_appointment,
    get_series_for,
    get_series_for_change,
    list_series_appointments,
)
from practica.scheduling.services.series import (
    cancel_series,
    create_series,
    reschedule_series,
)
from practica.scheduling.views.responses import (
    CONFLICT,
    INVALID,
    error_status,
    is_htmx,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import SCHEDULE_EDIT, SCHEDULE_VIEW

# --- booking a series ----------------------------------------------------------


def _series_form(
    actor: Actor, data: QueryDict | None = None, initial: dict[str, Any] | None = None
) -> SeriesForm:
    return SeriesForm(
        data,
        initial=initial,
        patients=list_bookable_patients(actor=actor),
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
        appointment_types=list_appointment_types(actor=actor),
    )


def _patient_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _preview_rows(
    checks: list[OccurrenceCheck], resolutions: Resolutions
) -> list[dict[str, Any]]:
    """Each checked occurrence with the key its skip/move inputs are named by
    (the originally planned date)."""
    planned = {o.index: occurrence_key(o) for o in resolutions.occurrences}
    return [{"check": check, "key": planned[check.index]} for check in checks]


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def series_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    rows: list[dict[str, Any]] = []
    if request.method == "POST":
        form = _series_form(actor, request.POST)
        chosen = None
        if not form.is_valid():
            status = INVALID
        else:
            data = form.cleaned_data
            chosen = data["patient"]
            location = data["location"]
            resolutions = read_resolutions(
                request.POST, data["occurrences"], location.tz
            )
            checks = check_occurrences(
                resolutions.occurrences,
                provider=data["provider"],
                location=location,
                appointment_type=data["appointment_type"],
                skipped=resolutions.skipped,
                moved=resolutions.moved,
            )
            rows = _preview_rows(checks, resolutions)
            conflicts = [c for c in checks if not c.is_free]
            if resolutions.errors:
                status = INVALID
                error = " ".join(resolutions.errors)
            elif request.POST.get("step") == "save":
                if conflicts:
                    status = CONFLICT
                    error = (
                        f"{len(conflicts)} occurrence(s) cannot be booked: skip "
                        "or move each one, then book the series."
                    )
                else:
                    try:
                        series = create_series(
                            actor=actor,
                            patient=data["patient"],
                            provider=data["provider"],
                            location=location,
                            appointment_type=data["appointment_type"],
                            rrule=data["rule"].as_text(),
                            starts=[
                                (c.index, c.start_at)
                                for c in checks
                                if not c.is_skipped and c.start_at is not None
                            ],
                        )
                    except SchedulingError as exc:
                        status = error_status(exc)
                        error = f"Nothing was booked. {exc.message}"
                        rows = _preview_rows(
                            check_occurrences(
                                resolutions.occurrences,
                                provider=data["provider"],
                                location=location,
                                appointment_type=data["appointment_type"],
                                skipped=resolutions.skipped,
                                moved=resolutions.moved,
                            ),
                            resolutions,
                        )
                    else:
                        messages.success(request, "Series booked.")
                        return redirect("scheduling:series-detail", series.pk)
    else:
        initial: dict[str, Any] = {"interval": 1, "ends": "count"}
        chosen = None
        patient_id = _patient_id(request.GET.get("patient", ""))
        if patient_id is not None:
            chosen = get_patient_for_booking(actor=actor, patient_id=patient_id)
            initial["patient"] = chosen.pk
        form = _series_form(actor, initial=initial)
    context = {
        "form": form,
        "patient": chosen,
        "error": error,
        "rows": rows,
        "has_conflicts": any(not row["check"].is_free for row in rows),
    }
    template = "scheduling/series_form.html"
    if is_htmx(request):
        template += "#form"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one series ----------------------------------------------------------------


@require_GET
@clinic_view(SCHEDULE_VIEW)
def series_detail(request: HttpRequest, series_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    series = get_series_for(actor=actor, series_id=series_id)
    appointments = list_series_appointments(actor=actor, series=series)
    changeable = {
        a.pk for a in changeable_appointments(appointments, now=timezone.now())
    }
    context = {
        "series": series,
        "rows": [
            {"appointment": a, "can_change": a.pk in changeable} for a in appointments
        ],
        "can_edit": actor.can(SCHEDULE_EDIT),
        "has_changeable": bool(changeable),
    }
    return render(request, "scheduling/series_detail.html", context)


def _edit_response(
    request: HttpRequest,
    series: AppointmentSeries,
    from_appointment: Appointment | None,
    *,
    reschedule_form: SeriesRescheduleForm | None = None,
    cancel_form: SeriesCancelForm | None = None,
    checks: list[OccurrenceCheck] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    appointments = list_series_appointments(actor=actor, series=series)
    targets = changeable_appointments(
        appointments, now=timezone.now(), from_appointment=from_appointment
    )
    scope = {
        "scope": "all" if from_appointment is None else "following",
        "from_appointment": from_appointment.pk if from_appointment else None,
    }
    if reschedule_form is None:
        first = targets[0] if targets else None
        initial: dict[str, object] = dict(scope)
        if first is not None:
            initial["start_time"] = first.start_at.astimezone(first.location.tz).time()
            initial["provider"] = first.provider_id
        reschedule_form = SeriesRescheduleForm(
            initial=initial, providers=list_providers(actor=actor)
        )
    context = {
        "series": series,
        "from_appointment": from_appointment,
        "targets": targets,
        "reschedule_form": reschedule_form,
        "cancel_form": cancel_form or SeriesCancelForm(initial=scope),
        "checks": [c for c in checks or [] if not c.is_free],
        "error": error,
    }
    return render(request, "scheduling/series_edit.html", context, status=status)


def _from_appointment(
    actor: Actor, series: AppointmentSeries, raw: object
) -> Appointment | None:
    if raw in (None, ""):
        return None
    appointment_id = _patient_id(str(raw))
    if appointment_id is None:
        return None
    return get_series_appointment(
        actor=actor, series=series, appointment_id=appointment_id
    )


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def series_edit(request: HttpRequest, series_id: uuid.UUID) -> HttpResponse:
    """Move the future occurrences (all, or ?from=<appointment> on) to another
    time of day and/or provider; every one is re-checked first and nothing
    changes while any does not fit."""
    actor = get_actor(request)
    if request.method == "GET":
        series = get_series_for(actor=actor, series_id=series_id)
        start = _from_appointment(actor, series, request.GET.get("from"))
        return _edit_response(request, series, start)
    series = get_series_for_change(actor=actor, series_id=series_id)
    form = SeriesRescheduleForm(request.POST, providers=list_providers(actor=actor))
    if not form.is_valid():
        start = _from_appointment(actor, series, request.POST.get("from_appointment"))
        return _edit_response(
            request, series, start, reschedule_form=form, status=INVALID
        )
    data = form.cleaned_data
    start = _from_appointment(actor, series, data["from_appointment"])
    targets = changeable_appointments(
        list_series_appointments(actor=actor, series=series),
        now=timezone.now(),
        from_appointment=start,
    )
    checks = check_reschedule(
        targets,
        start_time=data["start_time"],
        provider=data["provider"],
        appointment_type=series.appointment_type,
    )
    if any(not c.is_free for c in checks):
        return _edit_response(
            request,
            series,
            start,
            reschedule_form=form,
            checks=checks,
            error="Nothing was changed: these occurrences do not fit.",
            status=CONFLICT,
        )
    try:
        moved = reschedule_series(
            actor=actor,
            series=series,
            start_time=data["start_time"],
            provider=data["provider"],
            from_appointment=start,
        )
    except SchedulingError as exc:
        return _edit_response(
            request,
            series,
            start,
            reschedule_form=form,
            error=f"Nothing was changed. {exc.message}",
            status=error_status(exc),
        )
    messages.success(request, f"{len(moved)} occurrence(s) changed.")
    return redirect("scheduling:series-detail", series.pk)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def series_cancel(request: HttpRequest, series_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    series = get_series_for_change(actor=actor, series_id=series_id)
    form = SeriesCancelForm(request.POST)
    if not form.is_valid():
        start = _from_appointment(actor, series, request.POST.get("from_appointment"))
        return _edit_response(request, series, start, cancel_form=form, status=INVALID)
    start = _from_appointment(actor, series, form.cleaned_data["from_appointment"])
    try:
        cancelled = cancel_series(
            actor=actor,
            series=series,
            reason=form.cleaned_data["reason"],
            from_appointment=start,
        )
    except SchedulingError as exc:
        return _edit_response(
            request,
            series,
            start,
            cancel_form=form,
            error=exc.message,
            status=error_status(exc),
        )
    messages.success(request, f"{len(cancelled)} occurrence(s) cancelled.")
    return redirect("scheduling:series-detail", series.pk)
