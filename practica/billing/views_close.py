"""Daily close and monthly revenue pages: thin glue between forms, selectors,
services and templates."""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from practica.billing.errors import BillingError
from practica.billing.forms_close import CloseForm, DayForm, DepositForm, YearForm
from practica.billing.selectors_close import (
    get_close_location,
    get_close_report,
    list_close_locations,
)
from practica.billing.selectors_revenue import RevenueReport, get_revenue_report
from practica.billing.services.close import close_day, record_deposit
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW


def _report_url(location: Location, day: dt.date) -> str:
    query = urlencode({"date": day.isoformat(), "location": location.pk})
    return f"{reverse('billing:close-report')}?{query}"


def _render_close(
    request: HttpRequest,
    actor: Actor,
    location: Location,
    day: dt.date,
    *,
    day_form: DayForm | None = None,
    deposit_form: DepositForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report = get_close_report(actor=actor, location=location, business_on=day)
    hidden = {"location": location.pk, "business_on": day}
    context = {
        "report": report,
        "currency": report.currency,
        "locations": list_close_locations(actor=actor),
        "day_form": day_form or DayForm(initial={"date": day, "location": location.pk}),
        "deposit_form": deposit_form or DepositForm(initial=hidden),
        "close_form": close_form or CloseForm(initial=hidden),
        "can_edit": actor.can(BILLING_EDIT),
    }
    return render(request, "billing/close_report.html", context, status=status)


def _default_location(actor: Actor) -> Location | None:
    locations = list_close_locations(actor=actor)
    return locations[0] if locations else None


@require_GET
@clinic_view(BILLING_VIEW)
def close_report(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = DayForm(request.GET)
    is_valid = form.is_valid()
    data = form.cleaned_data if is_valid else {}
    location_id = data.get("location")
    location = (
        get_close_location(actor=actor, location_id=location_id)
        if location_id
        else _default_location(actor)
    )
    if location is None:
        return render(request, "billing/close_report.html", {"report": None})
    day = data.get("date") or timezone.localdate(timezone.now(), location.tz)
    return _render_close(
        request,
        actor,
        location,
        day,
        day_form=form if not is_valid else None,
        status=200 if is_valid else 400,
    )


def _add_error(form: DepositForm | CloseForm, error: BillingError) -> None:
    field = error.field if error.field in form.fields else None
    if field in ("location", "business_on"):
        field = None  # hidden inputs: show the message above the form
    form.add_error(field, error.message)


def _refuse_form(
    request: HttpRequest,
    actor: Actor,
    form: DepositForm | CloseForm,
    *,
    deposit_form: DepositForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    """Re-render the report with the refused form (422): on the posted
    location and day where they were valid, else on the defaults."""
    location_id = form.cleaned_data.get("location")
    location = (
        get_close_location(actor=actor, location_id=location_id)
        if location_id
        else _default_location(actor)
    )
    if location is None:
        return render(
            request, "billing/close_report.html", {"report": None}, status=422
        )
    day = form.cleaned_data.get("business_on") or timezone.localdate(
        timezone.now(), location.tz
    )
    return _render_close(
        request,
        actor,
        location,
        day,
        deposit_form=deposit_form,
        close_form=close_form,
        status=422,
    )


@require_POST
@clinic_view(BILLING_EDIT)
def deposit_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = DepositForm(request.POST)
    if not form.is_valid():
        return _refuse_form(request, actor, form, deposit_form=form)
    location = get_close_location(
        actor=actor, location_id=form.cleaned_data["location"]
    )
    day = form.cleaned_data["business_on"]
    try:
        deposit = record_deposit(
            actor=actor,
            location=location,
            business_on=day,
            method=form.cleaned_data["method"],
            amount=form.cleaned_data["amount"],
            reference=form.cleaned_data["reference"],
        )
    except BillingError as error:
        _add_error(form, error)
        return _render_close(
            request, actor, location, day, deposit_form=form, status=422
        )
    messages.success(request, f"Deposit of {deposit.amount} recorded.")
    return redirect(_report_url(location, day))


@require_POST
@clinic_view(BILLING_EDIT)
def day_close(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _refuse_form(request, actor, form, close_form=form)
    location = get_close_location(
        actor=actor, location_id=form.cleaned_data["location"]
    )
    day = form.cleaned_data["business_on"]
    try:
        close_day(
            actor=actor,
            location=location,
            business_on=day,
            note=form.cleaned_data["note"],
        )
    except BillingError as error:
        _add_error(form, error)
        return _render_close(request, actor, location, day, close_form=form, status=422)
    messages.success(request, f"{day.isoformat()} is closed.")
    return redirect(_report_url(location, day))


def _year(request: HttpRequest) -> tuple[YearForm, int, bool]:
    form = YearForm(request.GET)
    is_valid = form.is_valid()
    year = (form.cleaned_data.get("year") if is_valid else None) or timezone.now().year
    return form, year, is_valid


@require_GET
@clinic_view(BILLING_VIEW)
def revenue_report(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form, year, is_valid = _year(request)
    report = get_revenue_report(actor=actor, year=year)
    context = {"form": form, "report": report, "currency": report.currency}
    return render(
        request,
        "billing/revenue_report.html",
        context,
        status=200 if is_valid else 400,
    )


def _csv_rows(report: RevenueReport) -> list[list[str]]:
    rows = [["section", "name", "month", "invoiced", "tax", "collected", "written_off"]]
    for month in report.months:
        rows.append(
            [
                "clinic",
                "",
                f"{report.year}-{month.month:02d}",
                str(month.invoiced),
                str(month.tax),
                str(month.collected),
                str(month.written_off),
            ]
        )
    for provider in report.providers:
        for index, amount in enumerate(provider.months, start=1):
            rows.append(
                [
                    "provider",
                    provider.name,
                    f"{report.year}-{index:02d}",
                    str(amount),
                    "",
                    "",
                    "",
                ]
            )
    return rows


@require_GET
@clinic_view(BILLING_VIEW)
def revenue_csv(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    _form, year, is_valid = _year(request)
    if not is_valid:
        return HttpResponse("Give a year such as 2026.", status=400)
    report = get_revenue_report(actor=actor, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="revenue-{year}.csv"'
    csv.writer(response).writerows(_csv_rows(report))
    return response
