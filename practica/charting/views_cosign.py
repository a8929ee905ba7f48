"""HTTP glue for the work around a note's signature: copy forward, the
supervisor's co-signature, unsigned and overdue notes, and the charting
settings (the unsigned-note limit and who supervises whom)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from practica.audit.services import record_denied
from practica.charting.errors import (
    CopyForwardError,
    CosignatureError,
    InvalidNoteContentError,
    NoteLockedError,
    NotNamedSupervisorError,
    SupervisionError,
)
from practica.charting.forms import NoteContentForm
from practica.charting.forms_cosign import (
    ChartingPolicyForm,
    CosignForm,
    SupervisionForm,
)
from practica.charting.models import ClinicalNote
from practica.charting.selectors import get_note_for, get_note_for_change
from practica.charting.selectors_notes import (
    get_charting_policy,
    get_overdue_report,
    get_supervision_for_change,
    list_active_providers,
    list_awaiting_my_cosignature,
    list_my_unsigned_notes,
    list_supervisions,
)
from practica.charting.services import copy_forward
from practica.charting.services_cosign import (
    cosign_note,
    end_supervision,
    save_charting_policy,
    start_supervision,
)
from practica.charting.views import TEMPLATE as NOTE_TEMPLATE
from practica.charting.views import _detail_context
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import (
    CHART_EDIT,
    CHART_SIGN,
    CHART_VIEW,
    CLINIC_MANAGE,
)

INVALID = 422
CONFLICT = 409
SETTINGS_TEMPLATE = "charting/charting_settings.html"


def _refusal(
    request: HttpRequest, *, note: ClinicalNote, message: str, status: int = CONFLICT
) -> HttpResponse:
    return render(
        request,
        "charting/note_conflict.html",
        {"note": note, "message": message},
        status=status,
    )


def _note_page(
    request: HttpRequest,
    *,
    actor: Actor,
    note_id: uuid.UUID,
    status: int,
    error: str = "",
    form: NoteContentForm | None = None,
    cosign_form: CosignForm | None = None,
) -> HttpResponse:
    note = get_note_for(actor=actor, note_id=note_id)
    context = _detail_context(actor=actor, note=note, form=form, error=error)
    if cosign_form is not None:
        context["cosign_form"] = cosign_form
    return render(request, NOTE_TEMPLATE, context, status=status)


@require_http_methods(["POST"])
@clinic_view(CHART_EDIT)
def note_copy_forward(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    """Fill the draft's empty fields from the patient's last signed note of its
    template. The button submits the note form, so what is on screen is saved
    first and counts as typed; `replace=1` (confirmed) replaces typed fields."""
    actor = get_actor(request)
    note = get_note_for_change(actor=actor, note_id=note_id)
    if note.is_signed:
        return _refusal(
            request,
            note=note,
            message="This note is signed and locked. Add an addendum instead.",
        )
    has_fields = any(f["name"] in request.POST for f in note.template.fields)
    form = NoteContentForm(fields=note.template.fields, data=request.POST)
    if has_fields and not form.is_valid():
        return _note_page(
            request,
            actor=actor,
            note_id=note.pk,
            status=INVALID,
            error="Correct the fields marked below before copying forward.",
            form=form,
        )
    try:
        result = copy_forward(
            actor=actor,
            note=note,
            content=form.content() if has_fields else None,
            replace_typed=request.POST.get("replace") == "1",
        )
    except (NoteLockedError, CopyForwardError) as exc:
        return _refusal(request, note=note, message=str(exc))
    except InvalidNoteContentError as exc:
        return _note_page(
            request,
            actor=actor,
            note_id=note.pk,
            status=INVALID,
            error=str(exc),
            form=form,
        )
    when = timezone.localdate(result.source.signed_at or result.source.created_at)
    summary = (
        f"Copied {len(result.copied)} field(s) from the note signed {when:%d %b %Y}."
    )
    if result.kept:
        summary += " Kept what you had typed in: " + ", ".join(result.kept) + "."
    messages.success(request, summary)
    return redirect("charting:note-detail", note_id=note.pk)


@require_http_methods(["POST"])
@clinic_view(CHART_SIGN)
def note_cosign(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    note = get_note_for_change(actor=actor, note_id=note_id)
    form = CosignForm(data=request.POST)
    if not form.is_valid():
        return _note_page(
            request,
            actor=actor,
            note_id=note.pk,
            status=INVALID,
            error="Correct the comment before co-signing.",
            cosign_form=form,
        )
    try:
        cosign_note(actor=actor, note=note, comment=form.cleaned_data["comment"])
    except CosignatureError as exc:
        if exc.field:
            form.add_error(exc.field, exc.reason)
            return _note_page(
                request,
                actor=actor,
                note_id=note.pk,
                status=exc.status,
                error=str(exc),
                cosign_form=form,
            )
        if isinstance(exc, NotNamedSupervisorError):
            record_denied(
                actor=actor,
                object_type="charting.clinicalnote",
                object_id=str(note.pk),
                detail="co-sign: not the named supervisor",
            )
        return _refusal(request, note=note, message=str(exc), status=exc.status)
    messages.success(request, "Note co-signed.")
    return redirect("charting:note-detail", note_id=note.pk)


@require_GET
@clinic_view(CHART_SIGN)
def cosign_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    notes = list_awaiting_my_cosignature(actor=actor)
    return render(request, "charting/cosign_list.html", {"notes": notes})


@require_GET
@clinic_view(CHART_EDIT)
def unsigned_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    unsigned = list_my_unsigned_notes(actor=actor, now=timezone.now())
    context = {"unsigned": unsigned, "can_see_report": actor.can(CLINIC_MANAGE)}
    return render(request, "charting/unsigned_list.html", context)


@require_GET
@clinic_view(CLINIC_MANAGE)
def overdue_report(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    report = get_overdue_report(actor=actor, now=timezone.now())
    context = {"report": report, "can_read_notes": actor.can(CHART_VIEW)}
    return render(request, "charting/overdue_report.html", context)


def _settings_page(
    request: HttpRequest,
    *,
    actor: Actor,
    policy_form: ChartingPolicyForm | None = None,
    supervision_form: SupervisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    policy = get_charting_policy(actor=actor)
    context = {
        "policy_form": policy_form
        or ChartingPolicyForm(
            initial={"unsigned_note_days": policy.unsigned_note_days}
        ),
        "policy_saved": policy.pk is not None,
        "supervision_form": supervision_form
        or SupervisionForm(providers=list_active_providers(actor=actor)),
        "supervisions": list_supervisions(actor=actor),
    }
    return render(request, SETTINGS_TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def charting_settings(request: HttpRequest) -> HttpResponse:
    """The unsigned-note limit (GET shows it, POST saves it) and, below, the
    supervisions."""
    actor = get_actor(request)
    if request.method != "POST":
        return _settings_page(request, actor=actor)
    form = ChartingPolicyForm(data=request.POST)
    if form.is_valid():
        try:
            save_charting_policy(
                actor=actor, unsigned_note_days=form.cleaned_data["unsigned_note_days"]
            )
        except SupervisionError as exc:
            form.add_error(exc.field, exc.reason)
        else:
            messages.success(request, "Charting policy saved.")
            return redirect("charting:charting-settings")
    return _settings_page(request, actor=actor, policy_form=form, status=INVALID)


@require_http_methods(["POST"])
@clinic_view(CLINIC_MANAGE)
def supervision_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = SupervisionForm(
        providers=list_active_providers(actor=actor), data=request.POST
    )
    if form.is_valid():
        try:
            start_supervision(actor=actor, **form.cleaned_data)
        except SupervisionError as exc:
            form.add_error(
                exc.field if exc.field in form.fields else None,
                exc.reason if exc.field in form.fields else str(exc),
            )
        else:
            messages.success(request, "Supervision saved.")
            return redirect("charting:charting-settings")
    return _settings_page(request, actor=actor, supervision_form=form, status=INVALID)


@require_http_methods(["POST"])
@clinic_view(CLINIC_MANAGE)
def supervision_end(request: HttpRequest, supervision_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    supervision = get_supervision_for_change(actor=actor, supervision_id=supervision_id)
    try:
        end_supervision(actor=actor, supervision=supervision)
    except SupervisionError as exc:
        messages.error(request, str(exc))
        return _settings_page(request, actor=actor, status=CONFLICT)
    messages.success(request, "Supervision ended.")
    return redirect("charting:charting-settings")
