"""The clinic's cancellation policy page (CLINIC_MANAGE).

A GET shows the saved policy or, before the first save, the defaults without
creating a row; a valid POST saves (creating the row the first time) and
redirects back; an invalid one re-renders with status 422 and the message on
the field at fault.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from practica.scheduling.errors import InvalidPolicyError
from practica.scheduling.forms.policy import PolicyForm
from practica.scheduling.selectors.policy import get_policy
from practica.scheduling.services.policy import save_policy
from practica.scheduling.views.responses import INVALID
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CLINIC_MANAGE


@require_http_methods(["GET", "POST"])
@clinic_view(CLINIC_MANAGE)
def policy_edit(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    policy = get_policy(actor=actor)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                save_policy(actor=actor, **form.cleaned_data)
            except InvalidPolicyError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, "Cancellation policy saved.")
                return redirect("scheduling:policy-edit")
        status = INVALID
    else:
        form = PolicyForm(
            initial={
                "cancellation_window_hours": policy.cancellation_window_hours,
                "late_cancel_fee": policy.late_cancel_fee,
                "no_show_fee": policy.no_show_fee,
            }
        )
    context = {"form": form, "is_saved": policy.pk is not None}
    return render(request, "scheduling/policy_form.html", context, status=status)
