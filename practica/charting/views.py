"""HTTP glue for clinical notes: start, read, autosave, sign, addenda."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from practica.charting.errors import (
    AppointmentNotChartableError,
    InvalidAddendumError,
    InvalidNoteContentError,
    MissingRequiredFieldsError,
    NoteLockedError,
    NoTemplateError,
    NoteNotSignedError,
)
from practica.charting.forms import (
    AddendumForm,
    FormSection,
    NoteContentForm,
    NoteStartForm,
)
from practica.charting.forms_cosign import CosignForm
from practica.charting.models import ClinicalNote
from practica.charting.note_fields import sections_of
from practica.charting.selectors import (
    get_appointment_for_note,
    get_note_for,
    get_note_for_change,
    list_addenda,
    list_templates,
)
from practica.charting.selectors_notes import get_note_signature_state
from practica.charting.services import (
    add_addendum,
    save_draft,
    sign_note,
    start_note,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CHART_EDIT, CHART_SIGN, CHART_VIEW

TEMPLATE = "charting/note_detail.html"
LOCKED_MESSAGE = "This note is signed and locked. Add an addendum instead."


def _note_tz(note: ClinicalNote) -> str:
    if note.appointment is not None:
        return note.appointment.location.timezone
    return str(settings.TIME_ZONE)


def _saved_label(note: ClinicalNote) -> str:
    """The time of the last save, in the visit location's time zone."""
    zone = zoneinfo.ZoneInfo(_note_tz(note))
    return timezone.localtime(note.updated_at, timezone=zone).strftime("%H:%M")


def _form_sections(form: NoteContentForm) -> list[FormSection]:
    return form.sections()


def _detail_context(
    *,
    actor: Actor,
    note: ClinicalNote,
    form: NoteContentForm | None = None,
    addendum_form: AddendumForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    editable = not note.is_signed and actor.can(CHART_EDIT)
    if editable and form is None:
        form = NoteContentForm(fields=note.template.fields, content=note.content)
    return {
        "note": note,
        "note_tz": _note_tz(note),
        "visit_at": note.appointment.start_at if note.appointment else note.created_at,
        "sections": sections_of(note.template.fields, note.content),
        "editable": editable,
        "form": form,
        "form_sections": _form_sections(form) if form is not None else [],
        "can_sign": editable and actor.can(CHART_SIGN),
        "can_add_addendum": note.is_signed and actor.can(CHART_EDIT),
        "addenda": list(note.addenda.all()) if note.is_signed else [],
        "addendum_form": addendum_form or AddendumForm(),
        "saved_label": _saved_label(note) if note.content else "",
        "error": error,
        # Overdue flag, copy forward source, co-signature (selectors_notes.py).
        "signature": get_note_signature_state(
            actor=actor, note=note, can_edit=editable, now=timezone.now()
        ),
        "cosign_form": CosignForm(),
    }


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@clinic_view(CHART_EDIT)
def note_start(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    appointment = get_appointment_for_note(actor=actor, appointment_id=appointment_id)
    form = NoteStartForm(templates=list_templates(actor=actor), data=request.POST)
    error = ""
    if form.is_valid():
        try:
            note = start_note(
                actor=actor,
                appointment=appointment,
                template=form.cleaned_data["template"],
            )
        except (AppointmentNotChartableError, NoTemplateError) as exc:
            error = str(exc)
        else:
            url = reverse("charting:note-detail", kwargs={"note_id": note.pk})
            if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    context = {"form": form, "error": error, "appointment_id": appointment.pk}
    return render(request, "charting/note_start.html", context, status=422)


@require_GET
@clinic_view(CHART_VIEW)
def note_detail(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for(actor=actor, note_id=note_id)
    return _vary(render(request, TEMPLATE, _detail_context(actor=actor, note=note)))


@require_POST
@clinic_view(CHART_EDIT)
def note_edit(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for_change(actor=actor, note_id=note_id)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
    if note.is_signed:
        return _locked_response(request, note=note, htmx=htmx)
    form = NoteContentForm(fields=note.template.fields, data=request.POST)
    if form.is_valid():
        try:
            save_draft(actor=actor, note=note, content=form.content())
        except NoteLockedError:
            return _locked_response(request, note=note, htmx=htmx)
        except InvalidNoteContentError as exc:
            form.add_error(None, str(exc))
        else:
            if htmx:
                context = {"saved_label": _saved_label(note), "status_errors": []}
                return _vary(render(request, f"{TEMPLATE}#status", context))
            messages.success(request, "Draft saved.")
            return redirect("charting:note-detail", note_id=note.pk)
    if htmx:
        context = {"saved_label": "", "status_errors": form.first_errors()}
        return _vary(render(request, f"{TEMPLATE}#status", context, status=422))
    full = get_note_for(actor=actor, note_id=note.pk)
    context = _detail_context(actor=actor, note=full, form=form)
    return _vary(render(request, TEMPLATE, context, status=422))


def _locked_response(
    request: HttpRequest, *, note: ClinicalNote, htmx: bool
) -> HttpResponse:
    if htmx:
        context = {"saved_label": "", "status_errors": [LOCKED_MESSAGE]}
        response = render(request, f"{TEMPLATE}#status", context, status=409)
        response["HX-Refresh"] = "true"
        return _vary(response)
    return _conflict(request, note=note, message=LOCKED_MESSAGE)


@require_POST
@clinic_view(CHART_SIGN)
def note_sign(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for_change(actor=actor, note_id=note_id)
    if note.is_signed:
        return _conflict(request, note=note, message="This note is already signed.")
    # The sign button submits the note form, so unsaved edits are signed too.
    has_fields = any(f["name"] in request.POST for f in note.template.fields)
    form = NoteContentForm(fields=note.template.fields, data=request.POST)
    error = ""
    if not has_fields or form.is_valid():
        try:
            sign_note(
                actor=actor,
                note=note,
                content=form.content() if has_fields else None,
            )
        except NoteLockedError:
            return _conflict(request, note=note, message="This note is already signed.")
        except (MissingRequiredFieldsError, InvalidNoteContentError) as exc:
            error = str(exc)
        else:
            messages.success(request, "Note signed.")
            return redirect("charting:note-detail", note_id=note.pk)
    else:
        error = "Correct the fields marked below before signing."
    full = get_note_for(actor=actor, note_id=note.pk)
    context = _detail_context(
        actor=actor, note=full, form=form if has_fields else None, error=error
    )
    return _vary(render(request, TEMPLATE, context, status=422))


def _conflict(
    request: HttpRequest, *, note: ClinicalNote, message: str
) -> HttpResponse:
    return render(
        request,
        "charting/note_conflict.html",
        {"note": note, "message": message},
        status=409,
    )


@require_POST
@clinic_view(CHART_EDIT)
def note_addendum(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for_change(actor=actor, note_id=note_id)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
    if not note.is_signed:
        return _conflict(
            request, note=note, message="Addenda can only be added to a signed note."
        )
    form = AddendumForm(data=request.POST)
    if form.is_valid():
        try:
            add_addendum(actor=actor, note=note, text=form.cleaned_data["text"])
        except NoteNotSignedError as exc:
            return _conflict(request, note=note, message=str(exc))
        except InvalidAddendumError as exc:
            form.add_error("text", str(exc))
        else:
            if htmx:
                return _vary(_addenda_partial(request, actor=actor, note=note))
            messages.success(request, "Addendum added.")
            response = redirect("charting:note-detail", note_id=note.pk)
            response["Location"] += "#addenda"
            return response
    if htmx:
        return _vary(
            _addenda_partial(request, actor=actor, note=note, form=form, status=422)
        )
    full = get_note_for(actor=actor, note_id=note.pk)
    context = _detail_context(actor=actor, note=full, addendum_form=form)
    return _vary(render(request, TEMPLATE, context, status=422))


def _addenda_partial(
    request: HttpRequest,
    *,
    actor: Actor,
    note: ClinicalNote,
    form: AddendumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "note": note,
        "note_tz": _note_tz(note),
        "addenda": list(list_addenda(actor=actor, note=note)),
        "addendum_form": form or AddendumForm(),
        "can_add_addendum": True,
    }
    return render(request, f"{TEMPLATE}#addenda", context, status=status)
