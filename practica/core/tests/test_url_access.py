"""Every URL, every role, every channel: access is declared and enforced.

The tests walk the whole URL configuration, so a new view cannot forget to
declare its access, to scope its objects to the clinic, or to audit a view of
health information. Each app's tests/factories.py exports URL_KWARG_BUILDERS
that make an object of a given clinic for each URL keyword it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from practica.audit.models import AuditEntry
from practica.tenancy.access import ANY_MEMBER, PUBLIC
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import DEFAULT_ROLE_PERMISSIONS
from practica.tenancy.tests.factories import make_member

APPS_WITH_URL_OBJECTS = [
    "patients",
    "scheduling",
    "charting",
    "outcomes",
    "documents",
    "labs",
    "plans",
    "intake",
    "search",
    "billing",
]
ALL_ROLES = list(DEFAULT_ROLE_PERMISSIONS)


def _builders() -> dict[str, Callable[[Clinic], Any]]:
    merged: dict[str, Callable[[Clinic], Any]] = {}
    for app in APPS_WITH_URL_OBJECTS:
        try:
            module = importlib.import_module(f"practica.{app}.tests.factories")
        except ModuleNotFoundError:
            continue
        merged.update(getattr(module, "URL_KWARG_BUILDERS", {}))
    return merged


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]
    permission: str | None
    methods: frozenset[str]

    def __str__(self) -> str:
        return self.name


def _allowed_methods(view: Callable[..., Any]) -> frozenset[str]:
    """The methods a view's require_http_methods wrapper lets through."""
    for cell in view.__closure__ or ():
        value = cell.cell_contents
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return frozenset(value)
    return frozenset({"GET", "POST"})


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            converters = getattr(entry.pattern, "converters", {})
            yield Route(
                name=f"{namespace}{entry.name}",
                kwargs=tuple(converters),
                permission=getattr(entry.callback, "access_permission", None),
                methods=_allowed_methods(entry.callback),
            )


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r.name)
STAFF_ROUTES = [r for r in ROUTES if r.permission != PUBLIC]
OBJECT_ROUTES = [r for r in STAFF_ROUTES if r.kwargs]
# URL keywords naming a record that carries a patient's health information.
PHI_KWARGS = {
    "patient_id",
    "appointment_id",
    "note_id",
    "invoice_id",
    "payment_id",
    "credit_note_id",
    "us_invoice_id",
    "series_id",
    "waitlist_entry_id",
    "attendance_id",
    "response_id",
    "problem_id",
    "allergy_id",
    "medication_id",
    "immunization_id",
    "vitals_id",
    "history_entry_id",
    "document_id",
    "lab_result_id",
    "plan_id",
    "goal_id",
    "submission_id",
    "cosignature_id",
    "alert_id",
}
RECORD_PAGES = [
    r for r in OBJECT_ROUTES if "GET" in r.methods and PHI_KWARGS & set(r.kwargs)
]


def _url(route: Route, clinic: Clinic) -> str:
    builders = _builders()
    missing = [k for k in route.kwargs if k not in builders]
    assert not missing, f"{route}: add URL_KWARG_BUILDERS for {missing}"
    return reverse(route.name, kwargs={k: builders[k](clinic) for k in route.kwargs})


def _request(client: Client, url: str) -> int:
    """GET, or POST with an empty body when the view takes POST only."""
    status = client.get(url).status_code
    if status == 405:
        status = client.post(url, {}).status_code
    return status


def test_every_view_declares_its_access() -> None:
    undeclared = [r.name for r in ROUTES if r.permission is None]
    assert undeclared == []


def test_routes_were_found() -> None:
    assert len(STAFF_ROUTES) >= 20
    assert len(RECORD_PAGES) >= 5
    assert all(r.methods for r in ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_another_clinics_object_is_not_found_and_audited(
    route: Route, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given a member of clinic A holding every role
    member = make_member(clinic, ALL_ROLES)
    client = Client()
    client.force_login(member.user)
    url = _url(route, other_clinic)
    before = AuditEntry.objects.filter(clinic_id=clinic.pk, outcome="denied").count()
    # when asking for clinic B's object by any method
    get_status = client.get(url).status_code
    post_status = client.post(url, {}).status_code
    # then it does not exist for them, and the attempt is on the record
    assert {get_status, post_status} <= {404, 405}
    assert 404 in {get_status, post_status}
    after = AuditEntry.objects.filter(clinic_id=clinic.pk, outcome="denied").count()
    assert after > before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_each_role_gets_exactly_what_its_permissions_allow(
    route: Route, role: str, clinic: Clinic
) -> None:
    # given
    member = make_member(clinic, [role])
    client = Client()
    client.force_login(member.user)
    url = _url(route, clinic)
    allowed = (
        route.permission == ANY_MEMBER
        or route.permission in (DEFAULT_ROLE_PERMISSIONS[role])
    )
    # when
    status = _request(client, url)
    # then
    if allowed:
        assert status not in {403, 404, 500}, f"{role} refused {route}: {status}"
    else:
        assert status == 403, f"{role} reached {route}: {status}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", RECORD_PAGES, ids=str)
def test_every_page_of_a_patients_record_is_audited(
    route: Route, clinic: Clinic
) -> None:
    # given a member holding every role
    member = make_member(clinic, ALL_ROLES)
    client = Client()
    client.force_login(member.user)
    url = _url(route, clinic)
    before = AuditEntry.objects.filter(action="view").count()
    # when
    response = client.get(url)
    # then: every page showing a record wrote one view entry naming the patient
    assert response.status_code == 200
    views = AuditEntry.objects.filter(action="view").order_by("-seq")
    assert views.count() == before + 1
    assert views[0].patient_id is not None
    assert views[0].user_id == member.user.pk


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    client = Client()
    for route in STAFF_ROUTES:
        if route.kwargs:
            continue
        response = client.get(reverse(route.name))
        assert response.status_code in {302, 405}, route
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in STAFF_ROUTES if "GET" in r.methods], ids=str
)
def test_get_never_changes_state(route: Route, clinic: Clinic) -> None:
    # given
    member = make_member(clinic, ALL_ROLES)
    client = Client()
    client.force_login(member.user)
    url = _url(route, clinic)
    tracked = [m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS]
    before = {m._meta.label: _fingerprint(m) for m in tracked}
    # when
    client.get(url)
    # then: only audit entries (views) were written
    after = {m._meta.label: _fingerprint(m) for m in tracked}
    assert after == before
    assert (
        not AuditEntry.objects.exclude(action__in=["view", "access", "login"])
        .filter(user_id=member.user.pk)
        .exists()
    )


DOMAIN_APPS = {
    "tenancy",
    "patients",
    "scheduling",
    "charting",
    "outcomes",
    "billing",
    "accounts",
}


def _fingerprint(model: Any) -> tuple[int, str]:
    """Row count and the newest update time: a GET must change neither."""
    rows = model._default_manager.all()
    newest = ""
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        newest = str(
            rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
        )
    return rows.count(), newest
