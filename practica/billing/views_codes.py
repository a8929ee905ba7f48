"""The clinic's procedure code lists: the list page (search, counts, recent
loads, the load form), loading a CSV file, and the pickers' search.

Codes carry no patient information, so reading them is not audited; a load
is (one entry with its counts). Listing and searching need billing.view;
loading a list is a clinic setting and needs clinic.manage.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError, CodeFileError
from practica.billing.forms_codes import CodeListForm, CodeLoadForm, CodeSearchForm
from practica.billing.models import ProcedureCodeLoad
from practica.billing.selectors_codes import (
    count_procedure_codes,
    get_display_zone,
    list_code_loads,
    list_procedure_codes,
    search_procedure_codes,
)
from practica.billing.services_codes import LOAD_PERMISSION, load_procedure_codes
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import BILLING_VIEW

TEMPLATE = "billing/procedure_code_list.html"
PAGE_SIZE = 50
MAX_PROBLEMS_SHOWN = 50


def _summary(load: ProcedureCodeLoad) -> str:
    rows = f"{load.rows} row{'' if load.rows == 1 else 's'}"
    text = (
        f"Loaded {load.file_name or 'the file'} ({load.get_system_display()}, "
        f"{rows}): {load.added} added, {load.updated} updated, "
        f"{load.unchanged} unchanged"
    )
    if load.is_replace:
        text += f", {load.deactivated} made inactive"
    return f"{text}."


def _page(
    request: HttpRequest,
    *,
    load_form: CodeLoadForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = get_actor(request)
    # The filters come from the query string even after a POST: the list
    # under the form stays where the user left it.
    filters = CodeListForm(data=request.GET)
    valid = filters.is_valid()
    data = filters.cleaned_data if valid else {}
    codes = list_procedure_codes(
        actor=actor,
        system=data.get("system", ""),
        query=data.get("q", ""),
        status=data.get("status", "active"),
    )
    page = Paginator(codes, PAGE_SIZE).get_page(data.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_load = actor.can(LOAD_PERMISSION)
    shown = problems or []
    context: dict[str, Any] = {
        "filters": filters,
        "filter_errors": [] if valid else filters.messages(),
        "page": page,
        "query": query.urlencode() if valid else "",
        "counts": count_procedure_codes(actor=actor),
        "zone": get_display_zone(actor=actor),
        "loads": list_code_loads(actor=actor) if can_load else [],
        "can_load": can_load,
        "load_form": (load_form or CodeLoadForm()) if can_load else None,
        "problems": shown[:MAX_PROBLEMS_SHOWN],
        "more_problems": max(0, len(shown) - MAX_PROBLEMS_SHOWN),
    }
    if status == 200 and not valid:
        status = 422
    template = TEMPLATE
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]  # django-htmx middleware
        template += "#results"
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response


@require_GET
@clinic_view(BILLING_VIEW)
def procedure_code_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@clinic_view(LOAD_PERMISSION)
def procedure_code_load(request: HttpRequest) -> HttpResponse:
    form = CodeLoadForm(data=request.POST, files=request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = load_procedure_codes(
                actor=get_actor(request),
                system=form.cleaned_data["system"],
                data=upload.read(),
                file_name=upload.name or "",
                replace=form.replace,
            )
        except CodeFileError as error:
            form.add_error("file", error.message)
            problems = [str(problem) for problem in error.problems]
        except BillingError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, _summary(load))
            url = reverse("billing:procedure-code-list")
            return redirect(f"{url}?system={load.system}")
    return _page(request, load_form=form, problems=problems, status=422)


@require_GET
@clinic_view(BILLING_VIEW)
def procedure_code_search(request: HttpRequest) -> HttpResponse:
    """`<option>`s for a procedure code picker's datalist (no patient data:
    not audited)."""
    form = CodeSearchForm(data=request.GET)
    if not form.is_valid():
        context = {"errors": form.messages()}
        return render(
            request, "billing/procedure_code_options.html", context, status=422
        )
    codes = search_procedure_codes(
        actor=get_actor(request),
        query=form.cleaned_data["q"],
        system=form.cleaned_data["system"],
        limit=form.cleaned_data["limit"],
    )
    return render(request, "billing/procedure_code_options.html", {"codes": codes})
