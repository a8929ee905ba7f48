from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from practica.tenancy.access import ANY_MEMBER, clinic_view, get_actor
from practica.tenancy.permissions import BILLING_VIEW, PATIENTS_VIEW, SCHEDULE_VIEW


@require_GET
@clinic_view(ANY_MEMBER)
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their day starts."""
    actor = get_actor(request)
    if actor.can(SCHEDULE_VIEW):
        return redirect("scheduling:calendar")
    if actor.can(PATIENTS_VIEW):
        return redirect("patients:patient-list")
    if actor.can(BILLING_VIEW):
        return redirect("billing:invoice-list")
    return redirect("tenancy:settings")
