"""HTTP glue for the note template builder (clinic set-up, `clinic.manage`):
list, create, a version's page, edit as a new version, retire/reactivate;
and the choice of a draft note's template (`chart.edit`).

The builder form posts the whole definition on every button: adding,
removing or moving a field re-renders the form (htmx swaps `#builder`) and
saves nothing; only "Save" writes, through one service.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.charting.errors import (
    InvalidNoteContentError,
    InvalidTemplateError,
    NoteLockedError,
    NoTemplateError,
    TemplateVersionConflictError,
)
from practica.charting.forms import NoteContentForm
from practica.charting.forms_templates import TemplateBuilder
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.selectors import get_note_for, get_note_for_change
from practica.charting.selectors_templates import (
    default_template_for,
    get_template_family,
    get_template_for,
    list_active_templates,
    list_template_families,
)
from practica.charting.services_templates import (
    change_note_template,
    create_template,
    save_template_version,
    set_template_active,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_EDIT, CLINIC_MANAGE

FORM = "charting/template_form.html"


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@clinic_view(CLINIC_MANAGE)
def template_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    families = list_template_families(actor=actor)
    return render(request, "charting/template_list.html", {"families": families})


def _detail(
    request: HttpRequest, template: NoteTemplate, *, error: str = "", status: int = 200
) -> HttpResponse:
    family = get_template_family(actor=get_actor(request), key=template.key)
    context = {
        "template": template,
        "family": family,
        "is_newest": family.latest.pk == template.pk,
        "preview": NoteContentForm(fields=template.fields).sections(),
        "error": error,
    }
    return render(request, "charting/template_detail.html", context, status=status)


@require_GET
@clinic_view(CLINIC_MANAGE)
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = get_template_for(actor=get_actor(request), template_id=template_id)
    return _detail(request, template)


def _builder_response(
    request: HttpRequest,
    *,
    builder: TemplateBuilder,
    template: NoteTemplate | None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    action = (
        reverse("charting:template-edit", kwargs={"template_id": template.pk})
        if template is not None
        else reverse("charting:template-create")
    )
    context: dict[str, Any] = {
        "builder": builder,
        "template": template,
        "action_url": action,
        "error": error,
    }
    name = f"{FORM}#builder" if request.htmx else FORM  # type: ignore[attr-defined]  # set by HtmxMiddleware
    return _vary(render(request, name, context, status=status))


def _saved(request: HttpRequest, template: NoteTemplate, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("charting:template-detail", kwargs={"template_id": template.pk})
    if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def template_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if request.method == "GET":
        return _builder_response(request, builder=TemplateBuilder(), template=None)
    builder = TemplateBuilder(data=request.POST)
    if not builder.wants_save:
        return _builder_response(request, builder=builder, template=None)
    if builder.is_valid():
        try:
            template = create_template(
                actor=actor,
                name=builder.name(),
                modality=builder.modality(),
                fields=builder.template_fields(),
            )
        except InvalidTemplateError as exc:
            builder.errors = exc.errors
        else:
            return _saved(request, template, f"Template “{template.name}” created.")
    return _builder_response(request, builder=builder, template=None, status=422)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = get_actor(request)
    template = get_template_for(actor=actor, template_id=template_id)
    if request.method == "GET":
        builder = TemplateBuilder(template=template)
        return _builder_response(request, builder=builder, template=template)
    builder = TemplateBuilder(data=request.POST)
    if not builder.wants_save:
        return _builder_response(request, builder=builder, template=template)
    if builder.is_valid():
        try:
            saved = save_template_version(
                actor=actor,
                template=template,
                name=builder.name(),
                modality=builder.modality(),
                fields=builder.template_fields(),
            )
        except InvalidTemplateError as exc:
            builder.errors = exc.errors
        except TemplateVersionConflictError as exc:
            return _builder_response(
                request, builder=builder, template=template, status=409, error=str(exc)
            )
        else:
            return _saved(
                request, saved, f"Saved as version {saved.version} of “{saved.name}”."
            )
    return _builder_response(request, builder=builder, template=template, status=422)


@require_POST
@clinic_view(CLINIC_MANAGE)
def template_active(request: HttpRequest, template_id: int) -> HttpResponse:
    actor = get_actor(request)
    template = get_template_for(actor=actor, template_id=template_id)
    wanted = request.POST.get("is_active")
    if wanted not in ("0", "1"):
        return _detail(
            request, template, error="Active: choose retire or reactivate.", status=422
        )
    newest = set_template_active(
        actor=actor, template=template, is_active=wanted == "1"
    )
    state = "reactivated" if newest.is_active else "retired"
    messages.success(request, f"Template “{newest.name}” {state}.")
    return redirect("charting:template-detail", template_id=newest.pk)


# --- A draft note's template (chart.edit) ---------------------------------------


def _note_template_page(
    request: HttpRequest, note: ClinicalNote, *, error: str = "", status: int = 200
) -> HttpResponse:
    actor = get_actor(request)
    modality = note.template.modality
    choices = list(list_active_templates(clinic=actor.clinic, modality=modality))
    suggested = default_template_for(
        clinic=actor.clinic,
        modality=modality,
        patient_id=note.patient_id,
        appointment_id=note.appointment_id,
    )
    context = {
        "note": note,
        "choices": choices,
        "suggested_id": suggested.pk if suggested is not None else None,
        "error": error,
    }
    return render(request, "charting/note_template.html", context, status=status)


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def note_template(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    """Choose the template of a draft note among the active templates of its
    modality (the suggested one marked)."""
    actor = get_actor(request)
    detail = reverse("charting:note-detail", kwargs={"note_id": note_id})
    if request.method == "GET":
        note = get_note_for(actor=actor, note_id=note_id)
        return _note_template_page(request, note)
    note = get_note_for_change(actor=actor, note_id=note_id)
    error = ""
    try:
        template_id = int(request.POST.get("template", ""))
    except ValueError:
        error = "Template: choose one of the listed templates."
    else:
        template = (
            list_active_templates(clinic=actor.clinic, modality=note.template.modality)
            .filter(pk=template_id)
            .first()
        )
        if template is None:
            error = "Template: choose one of the listed templates."
        else:
            try:
                change_note_template(actor=actor, note=note, template=template)
            except (InvalidNoteContentError, NoTemplateError, NoteLockedError) as exc:
                error = str(exc)
            else:
                messages.success(request, f"Template changed to {template.name}.")
                return redirect(detail)
    full = get_note_for(actor=actor, note_id=note_id)
    return _note_template_page(request, full, error=error, status=422)
