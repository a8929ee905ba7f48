"""HTTP glue for forms with a patient: the patient's forms, filling a form
on a tablet at the desk, the "hand back" page, a submission's page and PDF,
superseding a submission and deciding its proposed chart entries.

Who may do what: staff holding forms.fill (front desk included) start and
submit a form and see that it was signed (title, time); a submission's
answers, its PDF and its proposed chart entries need chart.view, and acting
on them chart.edit.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.charting import note_fields
from practica.intake.errors import (
    FormChangedError,
    InvalidFormError,
    SubmissionLockedError,
)
from practica.intake.form_fields import FormField, PostedAnswers, answered_sections
from practica.intake.forms import (
    SEVERITY_CHOICES,
    DecisionForm,
    SignerForm,
    SupersedeForm,
)
from practica.intake.legal_text import blocks
from practica.intake.models import FormDefinition, SignerRelationship
from practica.intake.pdf import signature_data_url
from practica.intake.selectors import (
    get_clinic_timezone,
    get_form_for_filling,
    get_patient_for_filling,
    get_patient_forms,
    get_submission_detail,
    get_submission_for_change,
    get_submission_receipt,
    read_submission_pdf,
)
from practica.intake.services import decide_proposal, mark_superseded, submit_form
from practica.intake.signatures import SignatureRefusedError, decode_data_url
from practica.patients.models import Patient
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW, FORMS_FILL

PREFIX = "f-"
SCALE_POINTS = [str(n) for n in range(11)]
# Types drawn by the note field partial; the others get large touch targets.
SHARED_INPUTS = frozenset({"body_region", "table"})


@require_GET
@clinic_view(FORMS_FILL)
def patient_forms(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    context = {
        "forms": get_patient_forms(actor=actor, patient_id=patient_id),
        "can_view_answers": actor.can(CHART_VIEW),
        "tz": get_clinic_timezone(actor=actor),
    }
    return render(request, "intake/patient_forms.html", context)


def _question_rows(
    fields: list[FormField],
    data: QueryDict,
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """The questions of the fill page with the posted value and errors."""
    rows = []
    for field in fields:
        messages_ = errors.get(field["name"], [])
        rows.append(
            {
                "field": field,
                "input_name": PREFIX + field["name"],
                "value": note_fields.raw_value(field, PostedAnswers(data), PREFIX),
                "errors": messages_,
                # The shared partial adds the label itself.
                "reasons": [m.removeprefix(f"{field['label']}: ") for m in messages_],
                "points": SCALE_POINTS,
                "is_shared_input": field["type"] in SHARED_INPUTS,
            }
        )
    return rows


def _fill_page(
    request: HttpRequest,
    *,
    patient: Patient,
    definition: FormDefinition,
    signer_form: SignerForm,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    data = request.POST if request.method == "POST" else QueryDict()
    questions = _question_rows(definition.fields, data, errors)
    sections: list[dict[str, Any]] = []
    for row in questions:
        title = row["field"].get("section", "")
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        sections[-1]["rows"].append(row)
    messages_ = [m for field_messages in errors.values() for m in field_messages]
    context = {
        "patient": patient,
        "definition": definition,
        "sections": sections,
        "legal_blocks": blocks(definition.legal_text),
        "signer_form": signer_form,
        "errors": errors,
        "error_messages": messages_,
        "relationship_choices": SignerRelationship.choices,
    }
    return render(request, "intake/form_fill.html", context, status=status)


@require_http_methods(["GET", "POST"])
@clinic_view(FORMS_FILL)
def form_fill(
    request: HttpRequest, patient_id: uuid.UUID, form_key: str
) -> HttpResponse:
    actor = get_actor(request)
    posted = request.method == "POST"
    patient = get_patient_for_filling(
        actor=actor, patient_id=patient_id, record_access=not posted
    )
    definition = get_form_for_filling(actor=actor, key=form_key)
    if not posted:
        signer_form = SignerForm(initial={"version": definition.version})
        return _fill_page(
            request, patient=patient, definition=definition, signer_form=signer_form
        )
    signer_form = SignerForm(data=request.POST)
    errors: dict[str, list[str]] = {}
    if not signer_form.is_valid():
        errors = {
            name: [str(e) for e in field_errors]
            for name, field_errors in signer_form.errors.items()
        }
    else:
        cleaned = signer_form.cleaned_data
        try:
            signature = decode_data_url(cleaned["signature"])
        except SignatureRefusedError as exc:
            signature = b""
            errors["signature"] = [str(exc)]
        try:
            if errors:
                raise InvalidFormError({})
            submission = submit_form(
                actor=actor,
                patient=patient,
                form_key=definition.key,
                version=cleaned["version"],
                data=request.POST,
                signature_png=signature,
                signer_name=cleaned["signer_name"],
                signer_relationship=cleaned["signer_relationship"] or "",
            )
        except InvalidFormError as exc:
            errors = {**exc.errors, **errors}
        except FormChangedError as exc:
            messages.error(request, str(exc))
            return redirect(
                "intake:form-fill", patient_id=patient.pk, form_key=definition.key
            )
        else:
            return redirect("intake:submission-done", submission_id=submission.pk)
    # The re-rendered page names the patient: a view like any other.
    patient = get_patient_for_filling(
        actor=actor, patient_id=patient.pk, record_access=True
    )
    return _fill_page(
        request,
        patient=patient,
        definition=definition,
        signer_form=signer_form,
        errors=errors,
        status=422,
    )


@require_GET
@clinic_view(FORMS_FILL)
def submission_done(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    submission = get_submission_receipt(actor=actor, submission_id=submission_id)
    context = {"submission": submission, "tz": get_clinic_timezone(actor=actor)}
    return render(request, "intake/submission_done.html", context)


def _detail(
    request: HttpRequest,
    submission_id: uuid.UUID,
    *,
    supersede_form: SupersedeForm | None = None,
    decision_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    detail = get_submission_detail(actor=actor, submission_id=submission_id)
    submission = detail.submission
    definition = submission.definition
    context = {
        "detail": detail,
        "submission": submission,
        "patient": submission.patient,
        "sections": answered_sections(definition.fields, submission.answers),
        "legal_blocks": blocks(definition.legal_text),
        "signature_url": signature_data_url(submission.signature_png),
        "can_edit": actor.can(CHART_EDIT),
        "tz": get_clinic_timezone(actor=actor),
        "supersede_form": supersede_form or SupersedeForm(),
        "decision_errors": decision_errors or {},
        "severity_choices": SEVERITY_CHOICES,
    }
    return render(request, "intake/submission_detail.html", context, status=status)


@require_GET
@clinic_view(CHART_VIEW)
def submission_detail(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    return _detail(request, submission_id)


@require_GET
@clinic_view(CHART_VIEW)
def submission_pdf(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    submission = read_submission_pdf(actor=actor, submission_id=submission_id)
    content = bytes(submission.pdf)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{submission.form_key}-{submission.signed_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = (
        content_disposition_header(request.GET.get("download") == "1", name) or "inline"
    )
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@clinic_view(CHART_EDIT)
def submission_supersede(
    request: HttpRequest, submission_id: uuid.UUID
) -> HttpResponse:
    actor = get_actor(request)
    submission = get_submission_for_change(actor=actor, submission_id=submission_id)
    form = SupersedeForm(data=request.POST)
    if form.is_valid():
        try:
            mark_superseded(
                actor=actor, submission=submission, reason=form.cleaned_data["reason"]
            )
        except InvalidFormError as exc:
            for name, field_messages in exc.errors.items():
                for message in field_messages:
                    if name == "reason":  # the field shows its own label
                        form.add_error("reason", message.removeprefix("Reason: "))
                    else:
                        form.add_error(None, message)
        except SubmissionLockedError as exc:
            messages.error(request, str(exc))
            return redirect("intake:submission-detail", submission_id=submission.pk)
        else:
            messages.success(request, "Submission marked superseded.")
            return redirect("intake:submission-detail", submission_id=submission.pk)
    return _detail(request, submission.pk, supersede_form=form, status=422)


@require_POST
@clinic_view(CHART_EDIT)
def submission_decide(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    submission = get_submission_for_change(actor=actor, submission_id=submission_id)
    form = DecisionForm(data=request.POST)
    key = request.POST.get("proposal", "")
    if form.is_valid():
        accept = form.cleaned_data["action"] == "accept"
        try:
            decide_proposal(
                actor=actor,
                submission=submission,
                proposal_key=form.cleaned_data["proposal"],
                accept=accept,
                values=form.values(),
            )
        except InvalidFormError as exc:
            errors = [
                m for field_messages in exc.errors.values() for m in field_messages
            ]
            return _detail(
                request,
                submission.pk,
                decision_errors={key: errors},
                status=422,
            )
        except SubmissionLockedError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                "Added to the chart." if accept else "Proposed entry dismissed.",
            )
        url = reverse(
            "intake:submission-detail", kwargs={"submission_id": submission.pk}
        )
        return redirect(f"{url}#proposals")
    errors = [
        m for field_messages in form.field_messages().values() for m in field_messages
    ]
    return _detail(request, submission.pk, decision_errors={key: errors}, status=422)
