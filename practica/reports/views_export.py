"""HTTP glue for the record export: the page and its two downloads.

Downloads are GETs that change nothing but the audit trail: each writes one
view entry naming the patient and the format. The file name carries the
patient's record id, never a name.
"""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from practica.patients.selectors import get_patient_for
from practica.reports.export import BUNDLE, PDF, build_bundle, load_record
from practica.reports.export_pdf import record_pdf
from practica.reports.export_sections import SECTIONS
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_VIEW

FHIR_JSON = "application/fhir+json"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@clinic_view(CHART_VIEW)
def export_page(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(actor=get_actor(request), patient_id=patient_id)
    context = {
        "patient": patient,
        "sections": [s.title for s in SECTIONS],
    }
    return render(request, "reports/export.html", context)


@require_GET
@clinic_view(CHART_VIEW)
def export_pdf(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    record = load_record(
        actor=get_actor(request),
        patient_id=patient_id,
        export_format=PDF,
        now=timezone.now(),
    )
    response = HttpResponse(record_pdf(record), content_type="application/pdf")
    return _attachment(response, f"chart-{record.patient.pk}.pdf")


@require_GET
@clinic_view(CHART_VIEW)
def export_bundle(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    record = load_record(
        actor=get_actor(request),
        patient_id=patient_id,
        export_format=BUNDLE,
        now=timezone.now(),
    )
    body = json.dumps(build_bundle(record), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body.encode("utf-8"), content_type=FHIR_JSON)
    return _attachment(response, f"chart-{record.patient.pk}.fhir.json")
