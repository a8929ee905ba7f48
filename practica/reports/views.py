import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from practica.reports.selectors import patient_timeline
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import PATIENTS_VIEW


@require_GET
@clinic_view(PATIENTS_VIEW)
def timeline(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    data = patient_timeline(actor=get_actor(request), patient_id=patient_id)
    template = "reports/timeline.html"
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        template += "#timeline"
    response = render(request, template, {"timeline": data})
    response["Vary"] = "HX-Request"
    return response
