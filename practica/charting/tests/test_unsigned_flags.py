"""Unsigned notes: drafts whose visit is older than the clinic's limit are
flagged on the provider's list, the note page and the chart banner; the owner
or administrator sees every provider's counts; the limit is a setting."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.errors import ChartPermissionError, SupervisionError
from practica.charting.models import ChartingPolicy, ClinicalNote, Supervision
from practica.charting.selectors_notes import (
    get_overdue_report,
    list_my_unsigned_notes,
    list_patient_overdue_notes,
)
from practica.charting.services_cosign import save_charting_policy
from practica.charting.tests.factories import (
    AwaitingCosignatureNoteFactory,
    ChartingPolicyFactory,
    ClinicalNoteFactory,
    SignedNoteFactory,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Provider
from practica.scheduling.tests.factories import MONDAY, ProviderFactory, local
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ADMIN, BILLING, FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]
NOW = local(MONDAY, 12)
_hours = itertools.count()


def _draft(
    provider: Provider,
    *,
    days_ago: float,
    patient: Patient | None = None,
    signed: bool = False,
    start: datetime.datetime | None = None,
) -> ClinicalNote:
    """A note of a visit `days_ago` days before NOW (up to 11 hours earlier,
    so one provider is never double-booked)."""
    hours = next(_hours) % 12
    start = start or NOW - datetime.timedelta(days=days_ago, hours=hours)
    extra = {"appointment__patient": patient} if patient else {}
    factory = SignedNoteFactory if signed else ClinicalNoteFactory
    note: ClinicalNote = factory(
        clinic=provider.clinic,
        appointment__provider=provider,
        appointment__start_at=start,
        **extra,
    )
    return note


@pytest.fixture(autouse=True)
def at_now() -> Iterator[None]:
    """Every test runs at NOW: log-ins, page views and the rows they create."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def provider(clinic: Clinic) -> Provider:
    return ProviderFactory(clinic=clinic)


# flags by age


@pytest.mark.parametrize(
    ("limit", "overdue"),
    [(None, [True, True, False]), (7, [True, False, False]), (0, [False] * 3)],
)
def test_drafts_older_than_the_limit_are_flagged(
    provider: Provider, limit: int | None, overdue: list[bool]
) -> None:
    # given drafts of visits 10, 4 and 2 days ago (and a signed note), under
    # the default limit (3 days), a limit of 7, or the flag turned off (0)
    if limit is not None:
        ChartingPolicyFactory(clinic=provider.clinic, unsigned_note_days=limit)
    for days in (2, 10, 4):
        _draft(provider, days_ago=days)
    _draft(provider, days_ago=30, signed=True)
    # when
    unsigned = list_my_unsigned_notes(actor=actor_for(provider.membership), now=NOW)
    # then oldest visit first
    assert [row.days_old for row in unsigned.notes] == [10, 4, 2]
    assert [row.is_overdue for row in unsigned.notes] == overdue
    assert unsigned.overdue_count == sum(overdue)


def test_the_limit_is_counted_from_the_visit_to_the_minute(
    provider: Provider, clinic: Clinic
) -> None:
    # given a visit a minute past three days, and a note without a visit
    # created a minute short of three days ago
    three_days = datetime.timedelta(days=3)
    minute = datetime.timedelta(minutes=1)
    past = _draft(provider, days_ago=3, start=NOW - three_days - minute)
    with time_machine.travel(NOW - three_days + minute, tick=False):
        short = ClinicalNoteFactory(
            clinic=clinic,
            appointment=None,
            provider=provider,
            patient=PatientFactory(clinic=clinic),
        )
    # when
    rows = list_my_unsigned_notes(actor=actor_for(provider.membership), now=NOW).notes
    # then
    assert [(row.note.pk, row.is_overdue) for row in rows] == [
        (past.pk, True),
        (short.pk, False),
    ]


def test_a_note_without_a_visit_counts_from_its_creation(
    provider: Provider, clinic: Clinic
) -> None:
    # given
    with time_machine.travel(NOW - datetime.timedelta(days=5), tick=False):
        note = ClinicalNoteFactory(
            clinic=clinic,
            appointment=None,
            provider=provider,
            patient=PatientFactory(clinic=clinic),
        )
    # when
    rows = list_my_unsigned_notes(actor=actor_for(provider.membership), now=NOW).notes
    # then
    assert [(row.note.pk, row.days_old, row.is_overdue) for row in rows] == [
        (note.pk, 5, True)
    ]


def test_my_list_holds_only_my_drafts_and_is_audited(
    provider: Provider, clinic: Clinic
) -> None:
    # given
    mine = _draft(provider, days_ago=4)
    _draft(ProviderFactory(clinic=clinic), days_ago=4)
    # when
    rows = list_my_unsigned_notes(actor=actor_for(provider.membership), now=NOW).notes
    # then
    assert [row.note for row in rows] == [mine]
    assert AuditEntry.objects.get(action="view").detail == "my unsigned notes 1"


def test_a_member_without_a_provider_record_has_no_unsigned_notes(
    provider: Provider, clinic: Clinic
) -> None:
    # given
    _draft(provider, days_ago=4)
    # when
    unsigned = list_my_unsigned_notes(
        actor=actor_for(make_member(clinic, [PROVIDER])), now=NOW
    )
    # then
    assert unsigned.notes == []


def test_the_chart_banner_flags_only_this_patients_overdue_drafts(
    provider: Provider, clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    overdue = _draft(provider, days_ago=5, patient=patient)
    _draft(provider, days_ago=1, patient=patient)
    _draft(provider, days_ago=9)  # another patient
    # when
    rows = list_patient_overdue_notes(
        actor=actor_for(provider.membership), patient=patient, now=NOW
    )
    # then
    assert [row.note for row in rows] == [overdue]


def test_the_patients_overdue_drafts_cost_one_query(
    provider: Provider,
    clinic: Clinic,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    ChartingPolicyFactory(clinic=clinic, unsigned_note_days=2)
    patient = PatientFactory(clinic=clinic)
    for days in (3, 4, 6):
        _draft(provider, days_ago=days, patient=patient)
    actor = actor_for(provider.membership)
    # when / then
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = list_patient_overdue_notes(actor=actor, patient=patient, now=NOW)
    assert len(rows) == 3


# the owner's report


def test_the_report_counts_per_provider(clinic: Clinic) -> None:
    # given
    first, second = ProviderFactory(clinic=clinic), ProviderFactory(clinic=clinic)
    for days in (5, 6, 1):
        _draft(first, days_ago=days)
    _draft(second, days_ago=2)
    AwaitingCosignatureNoteFactory(clinic=clinic, cosigner=second)
    # when
    report = get_overdue_report(actor=actor_for(make_member(clinic, [OWNER])), now=NOW)
    # then
    assert [
        (row.name, row.unsigned, row.overdue, row.awaiting_cosignature)
        for row in report.providers
    ] == [
        (first.display_name, 3, 2, 0),
        (second.display_name, 1, 0, 1),
    ]
    assert report.overdue_total == 2
    assert report.notes is not None
    assert [row.days_old for row in report.notes] == [6, 5]


def test_an_administrator_sees_counts_but_no_notes(
    provider: Provider, clinic: Clinic
) -> None:
    # given
    _draft(provider, days_ago=5)
    # when
    report = get_overdue_report(actor=actor_for(make_member(clinic, [ADMIN])), now=NOW)
    # then
    assert report.notes is None
    assert [row.overdue for row in report.providers] == [1]
    assert not AuditEntry.objects.filter(action="view").exists()


# pages


def _ids(body: str) -> list[str]:
    return re.findall(r'href="/charting/notes/([0-9a-f-]{36})/"', body)


@pytest.mark.parametrize("count", [1, 5])
def test_my_unsigned_notes_page_flags_overdue_in_constant_queries(
    provider: Provider,
    client_for: ClientFor,
    count: int,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    for _ in range(count):
        _draft(provider, days_ago=4)
    _draft(provider, days_ago=1)
    client = client_for(provider.membership)
    client.get(reverse("charting:unsigned-list"))  # warm the session
    # when
    # Session, user, membership, roles; the policy; the notes; the view
    # entry (savepoint, chain, insert, chain update, release).
    with django_assert_num_queries(11):  # type: ignore[operator]
        response = client.get(reverse("charting:unsigned-list"))
    # then
    body = response.content.decode()
    assert len(_ids(body)) == count + 1
    assert body.count('<span class="badge danger">Overdue</span>') == count
    assert f"{count} overdue</strong>" in body


@pytest.mark.parametrize("count", [1, 5])
def test_the_report_page_is_constant_in_queries_and_hides_notes_from_admins(
    clinic: Clinic,
    client_for: ClientFor,
    count: int,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    patient = PatientFactory(clinic=clinic, first_name="Zelda", last_name="Quill")
    for _ in range(count):
        _draft(ProviderFactory(clinic=clinic), days_ago=4, patient=patient)
    owner = client_for(make_member(clinic, [OWNER]))
    admin = client_for(make_member(clinic, [ADMIN]))
    url = reverse("charting:overdue-report")
    owner.get(url)  # warm the session
    # when
    # Session, user, membership, roles; policy; draft counts; awaiting
    # counts; providers; overdue notes; the view entry (five).
    with django_assert_num_queries(14):  # type: ignore[operator]
        owner_page = owner.get(url).content.decode()
    admin_page = admin.get(url).content.decode()
    # then
    assert len(_ids(owner_page)) == count
    assert "Zelda" in owner_page
    assert _ids(admin_page) == []
    assert "Zelda" not in admin_page
    assert f"<td>{count}</td>" in admin_page


def test_the_note_page_and_the_chart_banner_flag_an_overdue_draft(
    provider: Provider, clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    note = _draft(provider, days_ago=4, patient=patient)
    client = client_for(provider.membership)
    # when
    note_page = client.get(
        reverse("charting:note-detail", kwargs={"note_id": note.pk})
    ).content.decode()
    chart = client.get(
        reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})
    ).content.decode()
    # then
    assert "Overdue: unsigned 4 days" in note_page
    assert "more than 3 days" in note_page
    assert "Unsigned notes overdue:" in chart
    assert f'href="/charting/notes/{note.pk}/"' in chart


def test_a_draft_within_the_limit_is_not_flagged_on_its_pages(
    provider: Provider, clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    note = _draft(provider, days_ago=1, patient=patient)
    client = client_for(provider.membership)
    # when
    note_page = client.get(
        reverse("charting:note-detail", kwargs={"note_id": note.pk})
    ).content.decode()
    chart = client.get(
        reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})
    ).content.decode()
    # then
    assert "Overdue" not in note_page
    assert "Unsigned notes overdue" not in chart


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (FRONT_DESK, "unsigned-list"),
        (BILLING, "unsigned-list"),
        (ADMIN, "unsigned-list"),
        (PROVIDER, "overdue-report"),
        (FRONT_DESK, "overdue-report"),
        (PROVIDER, "charting-settings"),
        (FRONT_DESK, "charting-settings"),
    ],
)
def test_roles_without_the_permission_get_403(
    clinic: Clinic, client_for: ClientFor, role: str, name: str
) -> None:
    # given
    client = client_for(make_member(clinic, [role]))
    # when
    response = client.get(reverse(f"charting:{name}"))
    # then
    assert response.status_code == 403


# the policy


def test_saving_the_policy_creates_then_updates_it_and_audits(clinic: Clinic) -> None:
    # given
    admin = actor_for(make_member(clinic, [ADMIN]))
    # when
    save_charting_policy(actor=admin, unsigned_note_days=5)
    policy = save_charting_policy(actor=admin, unsigned_note_days=0)
    # then
    assert ChartingPolicy.objects.get(clinic=clinic).unsigned_note_days == 0
    assert list(
        AuditEntry.objects.filter(object_id=str(policy.pk))
        .order_by("seq")
        .values_list("action", "detail")
    ) == [
        ("create", "unsigned_note_days=5"),
        ("update", "unsigned_note_days=0 (was 5)"),
    ]


@pytest.mark.parametrize("days", [-1, 91])
def test_the_policy_refuses_days_out_of_range(clinic: Clinic, days: int) -> None:
    # given
    admin = actor_for(make_member(clinic, [ADMIN]))
    # when / then
    with pytest.raises(SupervisionError) as raised:
        save_charting_policy(actor=admin, unsigned_note_days=days)
    assert raised.value.field == "unsigned_note_days"
    assert not ChartingPolicy.objects.exists()


def test_a_provider_cannot_change_the_policy(provider: Provider) -> None:
    # when / then
    with pytest.raises(ChartPermissionError):
        save_charting_policy(actor=actor_for(provider.membership), unsigned_note_days=1)


def test_the_settings_page_shows_the_default_without_creating_it(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # when
    response = client_for(make_member(clinic, [ADMIN])).get(
        reverse("charting:charting-settings")
    )
    # then
    assert response.status_code == 200
    assert 'value="3"' in response.content.decode()
    assert not ChartingPolicy.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Enter a whole number of days."),
        ("-2", "Enter 0 or more days."),
        ("400", "Enter at most 90 days."),
        ("", "Enter a number of days (0 turns the flag off)."),
    ],
)
def test_the_settings_page_refuses_bad_days_with_422_naming_the_field(
    clinic: Clinic, client_for: ClientFor, value: str, message: str
) -> None:
    # when
    response = client_for(make_member(clinic, [OWNER])).post(
        reverse("charting:charting-settings"), {"unsigned_note_days": value}
    )
    # then
    assert response.status_code == 422
    assert f"Flag unsigned notes after (days): {message}" in response.content.decode()
    assert not ChartingPolicy.objects.exists()


def test_the_settings_page_saves_and_redirects(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # when
    response = client_for(make_member(clinic, [OWNER])).post(
        reverse("charting:charting-settings"), {"unsigned_note_days": "7"}
    )
    # then
    assert response.status_code == 302
    assert ChartingPolicy.objects.get(clinic=clinic).unsigned_note_days == 7


def test_supervisions_are_added_and_ended_from_the_settings_page(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    student, supervisor = ProviderFactory(clinic=clinic), ProviderFactory(clinic=clinic)
    client = client_for(make_member(clinic, [ADMIN]))
    # when
    created = client.post(
        reverse("charting:supervision-create"),
        {"supervisee": student.pk, "supervisor": supervisor.pk, "kind": "resident"},
    )
    page = client.get(reverse("charting:charting-settings")).content.decode()
    supervision = Supervision.objects.get(supervisee=student)
    ended = client.post(
        reverse("charting:supervision-end", kwargs={"supervision_id": supervision.pk})
    )
    # then
    supervision.refresh_from_db()
    assert (created.status_code, ended.status_code) == (302, 302)
    assert "Resident" in page
    assert supervision.ended_at is not None


def test_a_self_supervision_is_a_422_naming_the_field(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    provider = ProviderFactory(clinic=clinic)
    # when
    response = client_for(make_member(clinic, [OWNER])).post(
        reverse("charting:supervision-create"),
        {"supervisee": provider.pk, "supervisor": provider.pk, "kind": "student"},
    )
    # then
    assert response.status_code == 422
    assert (
        "Supervisor (co-signs their notes): a provider cannot supervise themselves."
        in response.content.decode()
    )
