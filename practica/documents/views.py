"""HTTP glue for patient documents: the chart section, upload, download,
entered in error."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from practica.documents.errors import (
    DocumentAlreadyInErrorError,
    DocumentRefusedError,
    DocumentUnreadableError,
    InvalidReasonError,
)
from practica.documents.file_names import clean_name, download_name
from practica.documents.forms import (
    DocumentSearchForm,
    DocumentUploadForm,
    EnteredInErrorForm,
)
from practica.documents.selectors import (
    get_document_for_change,
    list_patient_documents,
    read_document_for,
)
from practica.documents.services import (
    mark_entered_in_error,
    max_upload_bytes,
    size_label,
    upload_document,
)
from practica.patients.models import Patient
from practica.patients.selectors import get_patient_for
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW

TEMPLATE = "documents/document_list.html"


def _page(
    request: HttpRequest,
    *,
    actor: Actor,
    patient: Patient,
    upload_form: DocumentUploadForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    search = DocumentSearchForm(data=request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    can_edit = actor.can(CHART_EDIT)
    context: dict[str, Any] = {
        "patient": patient,
        "groups": list_patient_documents(actor=actor, patient=patient, query=query),
        "search_form": search,
        "query": query,
        "can_edit": can_edit,
        "upload_form": (upload_form or DocumentUploadForm()) if can_edit else None,
        "max_label": size_label(max_upload_bytes()),
        "error": error,
    }
    return render(request, TEMPLATE, context, status=status)


@require_GET
@clinic_view(CHART_VIEW)
def patient_documents(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    return _page(request, actor=actor, patient=patient)


@require_POST
@clinic_view(CHART_EDIT)
def document_upload(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id, record_access=False)
    form = DocumentUploadForm(data=request.POST, files=request.FILES)
    error = ""
    if form.is_valid():
        upload = form.upload()
        name = clean_name(upload.name or "")
        limit = max_upload_bytes()
        try:
            if upload.size is not None and upload.size > limit:
                # Refused before reading it into memory.
                raise DocumentRefusedError(
                    name, f"the file is larger than the {size_label(limit)} limit."
                )
            upload_document(
                actor=actor,
                patient=patient,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                file_name=name,
                data=upload.read(),
            )
        except DocumentRefusedError as exc:
            error = f"Not uploaded. {exc.file_name}: {exc.reason}"
        else:
            messages.success(request, "Document added.")
            return redirect("documents:patient-documents", patient_id=patient.pk)
    # The re-rendered page lists the chart's documents: a view like any other.
    patient = get_patient_for(actor=actor, patient_id=patient.pk)
    return _page(
        request,
        actor=actor,
        patient=patient,
        upload_form=form,
        error=error or "Not uploaded. Correct the fields marked below.",
        status=422,
    )


@require_GET
@clinic_view(CHART_VIEW)
def document_file(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """The decrypted file: inline (PDF and images), or as a download with
    ?download=1. Never cached, never sniffed by the browser."""
    actor = get_actor(request)
    try:
        opened = read_document_for(actor=actor, document_id=document_id)
    except DocumentUnreadableError:
        response = render(request, "documents/document_unreadable.html", status=409)
    else:
        document = opened.document
        response = HttpResponse(opened.content, content_type=document.content_type)
        response["Content-Disposition"] = (
            content_disposition_header(
                request.GET.get("download") == "1",
                download_name(document.original_name, document.content_type),
            )
            or "inline"
        )
        response["Content-Length"] = str(len(opened.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@clinic_view(CHART_EDIT)
def document_entered_in_error(
    request: HttpRequest, document_id: uuid.UUID
) -> HttpResponse:
    actor = get_actor(request)
    document = get_document_for_change(actor=actor, document_id=document_id)
    form = EnteredInErrorForm(data=request.POST)
    error = ""
    status = 422
    if form.is_valid():
        try:
            mark_entered_in_error(
                actor=actor, document=document, reason=form.cleaned_data["reason"]
            )
        except InvalidReasonError as exc:
            error = str(exc)
        except DocumentAlreadyInErrorError as exc:
            error, status = str(exc), 409
        else:
            messages.success(request, "Document marked entered in error.")
            url = reverse(
                "documents:patient-documents",
                kwargs={"patient_id": document.patient_id},
            )
            return redirect(f"{url}#document-{document.pk}")
    else:
        messages_ = [str(m) for m in form.errors.get("reason", [])]
        error = "Reason: " + (" ".join(messages_) or "is required.")
    patient = get_patient_for(actor=actor, patient_id=document.patient_id)
    return _page(
        request,
        actor=actor,
        patient=patient,
        error=f"Not marked in error. {error}",
        status=status,
    )
