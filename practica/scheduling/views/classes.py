"""Group classes: the upcoming list, scheduling one, its page with the roster,
adding an attendee, each attendee's status, cancelling the class."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.scheduling.errors import SchedulingError
from practica.scheduling.forms.classes import (
    AttendanceStatusForm,
    AttendeeForm,
    CancelClassForm,
    ClassForm,
)
from practica.scheduling.selectors.appointments import (
    list_bookable_patients,
    list_locations,
    list_providers,
)
from practica.scheduling.selectors.classes import (
    get_attendance_for_change,
    get_class_for,
    get_class_for_change,
    list_class_types,
    list_rooms,
    list_upcoming_classes,
)
from practica.scheduling.services.classes import (
    add_attendee,
    cancel_class,
    schedule_class,
    set_attendance_status,
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

DETAIL_TEMPLATE = "scheduling/class_detail.html"


@require_GET
@clinic_view(SCHEDULE_VIEW)
def class_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    since = dt.datetime.combine(
        timezone.localdate(), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    context = {
        "classes": list(list_upcoming_classes(actor=actor, since=since)),
        "can_edit": actor.can(SCHEDULE_EDIT),
    }
    return render(request, "scheduling/class_list.html", context)


def _class_form(actor: Actor, data: QueryDict | None = None) -> ClassForm:
    return ClassForm(
        data,
        providers=list_providers(actor=actor),
        locations=list_locations(actor=actor),
        appointment_types=list_class_types(actor=actor),
        rooms=list_rooms(actor=actor),
    )


@require_http_methods(["GET", "POST"])
@clinic_view(SCHEDULE_EDIT)
def class_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = 200
    error = ""
    if request.method == "POST":
        form = _class_form(actor, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = schedule_class(
                    actor=actor,
                    provider=data["provider"],
                    location=data["location"],
                    appointment_type=data["appointment_type"],
                    start_at=data["start_at"],
                    room=data["room"],
                    allow_outside_hours=data["allow_outside_hours"],
                )
            except SchedulingError as exc:
                status = error_status(exc)
                error = report_refusal(form, exc)
            else:
                messages.success(request, "Class scheduled.")
                return redirect("scheduling:class-detail", group.pk)
        else:
            status = INVALID
    else:
        form = _class_form(actor)
    context = {"form": form, "error": error}
    template = "scheduling/class_form.html"
    if is_htmx(request):
        template += "#form"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one class -----------------------------------------------------------------


def _detail(
    request: HttpRequest,
    class_id: uuid.UUID,
    *,
    status: int = 200,
    error: str = "",
    attendee_form: AttendeeForm | None = None,
    cancel_form: CancelClassForm | None = None,
) -> HttpResponse:
    """The class page, or its roster partial for htmx."""
    actor = get_actor(request)
    roster = get_class_for(actor=actor, class_id=class_id)
    context: dict[str, Any] = {
        "roster": roster,
        "group": roster.group,
        "error": error,
        "can_edit": actor.can(SCHEDULE_EDIT),
        "attendee_form": attendee_form,
        "cancel_form": cancel_form or CancelClassForm(),
    }
    template = DETAIL_TEMPLATE + ("#roster" if is_htmx(request) else "")
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@clinic_view(SCHEDULE_VIEW)
def class_detail(request: HttpRequest, class_id: uuid.UUID) -> HttpResponse:
    return _detail(request, class_id)


def _changed(request: HttpRequest, class_id: uuid.UUID, message: str) -> HttpResponse:
    """After a roster change: the roster for htmx (and tell the calendar),
    else back to the class page."""
    if is_htmx(request):
        response = _detail(request, class_id)
        response["HX-Trigger"] = "appointment-changed"
        return response
    messages.success(request, message)
    return redirect("scheduling:class-detail", class_id)


@require_POST
@clinic_view(SCHEDULE_EDIT)
def class_attendee_add(request: HttpRequest, class_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    group = get_class_for_change(actor=actor, class_id=class_id)
    form = AttendeeForm(request.POST, patients=list_bookable_patients(actor=actor))
    if not form.is_valid():
        return _detail(request, group.pk, status=INVALID, attendee_form=form)
    try:
        add_attendee(actor=actor, group=group, patient=form.cleaned_data["patient"])
    except SchedulingError as exc:
        return _detail(request, group.pk, status=error_status(exc), error=exc.message)
    return _changed(request, group.pk, "Added to the class.")


@require_POST
@clinic_view(SCHEDULE_EDIT)
def attendance_status(request: HttpRequest, attendance_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    attendance = get_attendance_for_change(actor=actor, attendance_id=attendance_id)
    class_id = attendance.appointment_id
    form = AttendanceStatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, class_id, status=INVALID, error="Choose a status.")
    try:
        set_attendance_status(
            actor=actor, attendance=attendance, status=form.cleaned_data["status"]
        )
    except SchedulingError as exc:
        return _detail(request, class_id, status=error_status(exc), error=exc.message)
    return _changed(request, class_id, "Attendee's status changed.")


@require_POST
@clinic_view(SCHEDULE_EDIT)
def class_cancel(request: HttpRequest, class_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    group = get_class_for_change(actor=actor, class_id=class_id)
    form = CancelClassForm(request.POST)
    if not form.is_valid():
        return _detail(request, group.pk, status=INVALID, cancel_form=form)
    try:
        cancel_class(actor=actor, group=group, reason=form.cleaned_data["reason"])
    except SchedulingError as exc:
        return _detail(request, group.pk, status=error_status(exc), error=exc.message)
    return _changed(request, group.pk, "Class cancelled.")
