"""HTTP glue for the form builder (clinic.manage: owner and admin): the
clinic's forms, a new form, a form's versions with a preview, saving an edit
as a new version, retiring and bringing back a form. No page shows a
patient's information."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.intake.errors import InvalidFormError
from practica.intake.form_fields import type_label
from practica.intake.forms import (
    DefinitionForm,
    FieldRowFormSet,
    fields_from_rows,
    rows_from_fields,
)
from practica.intake.legal_text import blocks
from practica.intake.selectors import FormVersions, get_form, list_forms
from practica.intake.services import create_form, save_new_version, set_form_active
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CLINIC_MANAGE

ROWS_PREFIX = "q"


@require_GET
@clinic_view(CLINIC_MANAGE)
def definition_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(
        request, "intake/definition_list.html", {"forms": list_forms(actor=actor)}
    )


def _editor(
    request: HttpRequest,
    *,
    form: DefinitionForm,
    rows: Any,
    existing: FormVersions | None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "rows": rows,
        "existing": existing,
        "errors": errors or [],
    }
    return render(request, "intake/definition_form.html", context, status=status)


def _apply_errors(form: DefinitionForm, exc: InvalidFormError) -> list[str]:
    """Attach the service's errors to the settings form; return the question
    errors (and any other) to show above the questions."""
    other: list[str] = []
    for name, field_messages in exc.errors.items():
        for message in field_messages:
            if name in form.fields:
                form.add_error(name, message)
            else:
                other.append(message)
    return other


def _wants_more_rows(request: HttpRequest) -> bool:
    return "add_rows" in request.POST


def _more_rows(request: HttpRequest) -> Any:
    """The posted rows plus three blank ones (the "More questions" button)."""
    data = request.POST.copy()
    total = int(data.get(f"{ROWS_PREFIX}-TOTAL_FORMS", "0") or 0)
    data[f"{ROWS_PREFIX}-TOTAL_FORMS"] = str(min(total + 3, 80))
    return FieldRowFormSet(data=data, prefix=ROWS_PREFIX)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def definition_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if request.method != "POST":
        return _editor(
            request,
            form=DefinitionForm(),
            rows=FieldRowFormSet(prefix=ROWS_PREFIX),
            existing=None,
        )
    form = DefinitionForm(data=request.POST)
    rows = FieldRowFormSet(data=request.POST, prefix=ROWS_PREFIX)
    if _wants_more_rows(request):
        return _editor(request, form=form, rows=_more_rows(request), existing=None)
    errors: list[str] = []
    if form.is_valid() and rows.is_valid():
        try:
            definition = create_form(
                actor=actor,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                fields=fields_from_rows(rows),
                legal_text=form.cleaned_data["legal_text"],
            )
        except InvalidFormError as exc:
            errors = _apply_errors(form, exc)
        else:
            messages.success(request, f"{definition.title} created.")
            return redirect("intake:definition-detail", form_key=definition.key)
    return _editor(
        request, form=form, rows=rows, existing=None, errors=errors, status=422
    )


@require_GET
@clinic_view(CLINIC_MANAGE)
def definition_detail(request: HttpRequest, form_key: str) -> HttpResponse:
    actor = get_actor(request)
    form = get_form(actor=actor, key=form_key)
    shown = form.latest
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = next((v for v in form.versions if v.version == int(wanted)), shown)
    questions = [
        {**field, "type_label": type_label(field["type"])} for field in shown.fields
    ]
    context = {
        "form": form,
        "shown": shown,
        "questions": questions,
        "legal_blocks": blocks(shown.legal_text),
    }
    return render(request, "intake/definition_detail.html", context)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def definition_edit(request: HttpRequest, form_key: str) -> HttpResponse:
    actor = get_actor(request)
    existing = get_form(actor=actor, key=form_key)
    latest = existing.latest
    if request.method != "POST":
        form = DefinitionForm(
            creating=False,
            initial={
                "title": latest.title,
                "description": latest.description,
                "legal_text": latest.legal_text,
            },
        )
        rows = FieldRowFormSet(
            prefix=ROWS_PREFIX, initial=rows_from_fields(latest.fields)
        )
        return _editor(request, form=form, rows=rows, existing=existing)
    form = DefinitionForm(data=request.POST, creating=False)
    rows = FieldRowFormSet(data=request.POST, prefix=ROWS_PREFIX)
    if _wants_more_rows(request):
        return _editor(request, form=form, rows=_more_rows(request), existing=existing)
    errors: list[str] = []
    if form.is_valid() and rows.is_valid():
        try:
            definition = save_new_version(
                actor=actor,
                key=latest.key,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                fields=fields_from_rows(rows, latest.fields),
                legal_text=form.cleaned_data["legal_text"],
            )
        except InvalidFormError as exc:
            errors = _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{definition.title}: version {definition.version} saved."
            )
            return redirect("intake:definition-detail", form_key=definition.key)
    return _editor(
        request, form=form, rows=rows, existing=existing, errors=errors, status=422
    )


@require_POST
@clinic_view(CLINIC_MANAGE)
def definition_status(request: HttpRequest, form_key: str) -> HttpResponse:
    actor = get_actor(request)
    existing = get_form(actor=actor, key=form_key)
    action = request.POST.get("action", "")
    if action not in ("retire", "reactivate"):
        messages.error(request, "Status: choose retire or bring back.")
        return _status_refused(request, existing)
    try:
        set_form_active(actor=actor, key=existing.key, is_active=action == "reactivate")
    except InvalidFormError as exc:
        messages.error(request, str(exc))
        return _status_refused(request, existing)
    done = "brought back" if action == "reactivate" else "retired"
    messages.success(request, f"{existing.latest.title} {done}.")
    return redirect("intake:definition-detail", form_key=existing.key)


def _status_refused(request: HttpRequest, existing: FormVersions) -> HttpResponse:
    context = {
        "form": existing,
        "shown": existing.latest,
        "questions": [
            {**f, "type_label": type_label(f["type"])} for f in existing.latest.fields
        ],
        "legal_blocks": blocks(existing.latest.legal_text),
    }
    return render(request, "intake/definition_detail.html", context, status=422)
