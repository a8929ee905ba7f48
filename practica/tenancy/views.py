from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.forms import ClinicBillingForm, ClinicSecurityForm
from practica.tenancy.permissions import CLINIC_MANAGE
from practica.tenancy.selectors import list_locations, list_members
from practica.tenancy.services import update_clinic_billing, update_clinic_security


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_settings(request)
    form = ClinicSecurityForm(request.POST)
    if form.is_valid():
        update_clinic_security(actor=get_actor(request), **form.cleaned_data)
        messages.success(request, "Security settings saved.")
        return redirect("tenancy:settings")
    return _render_settings(request, form=form, status=422)


def _render_settings(
    request: HttpRequest,
    *,
    form: ClinicSecurityForm | None = None,
    billing_form: ClinicBillingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page; a form given is shown as posted (with its errors),
    the others with the clinic's current values."""
    actor = get_actor(request)
    clinic = actor.clinic
    context = {
        "form": form
        or ClinicSecurityForm(
            initial={
                "is_mfa_required": clinic.is_mfa_required,
                "idle_timeout_minutes": clinic.idle_timeout_minutes,
            }
        ),
        "billing_form": billing_form
        or ClinicBillingForm(
            initial={"tax_registration_number": clinic.tax_registration_number}
        ),
        "locations": list_locations(actor=actor),
        "members": list_members(actor=actor),
    }
    return render(request, "tenancy/clinic_settings.html", context, status=status)


@require_POST
@clinic_view(CLINIC_MANAGE)
def clinic_billing_settings(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ClinicBillingForm(request.POST)
    if form.is_valid():
        update_clinic_billing(actor=actor, **form.cleaned_data)
        messages.success(request, "Billing details saved.")
        return redirect("tenancy:settings")
    return _render_settings(request, billing_form=form, status=422)
