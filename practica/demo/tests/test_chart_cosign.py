"""The demo clinic's supervision: a supervised physiotherapist with notes
awaiting co-signature, one co-signed, and drafts past the unsigned limit."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.charting.models import ClinicalNote, NoteCosignature, Supervision
from practica.charting.selectors_notes import (
    find_copy_source,
    get_overdue_report,
    list_my_unsigned_notes,
)
from practica.demo.chart_cosign import seed_cosign
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Cosign Demo",
        slug="cosign-demo",
        email_domain="cosign.example",
        patients=40,
        providers=5,
        days_back=30,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def _counts(clinic: Clinic) -> tuple[int, int, int, int]:
    notes = ClinicalNote.objects.filter(clinic=clinic)
    return (
        Supervision.objects.filter(clinic=clinic).count(),
        notes.filter(cosigner__isnull=False, cosignature__isnull=True).count(),
        NoteCosignature.objects.filter(clinic=clinic).count(),
        notes.filter(status=ClinicalNote.Status.DRAFT).count(),
    )


def test_seed_cosign_leaves_supervised_notes_and_overdue_drafts(
    demo_clinic: Clinic,
) -> None:
    # when
    seed_cosign(demo_clinic, today=timezone.localdate())
    # then one supervision, two notes awaiting, one co-signed, four drafts
    assert _counts(demo_clinic) == (1, 2, 1, 4)
    supervision = Supervision.objects.get(clinic=demo_clinic)
    assert supervision.kind == Supervision.Kind.PROVISIONAL
    awaiting = ClinicalNote.objects.filter(clinic=demo_clinic, cosigner__isnull=False)
    assert {note.provider_id for note in awaiting} == {supervision.supervisee_id}
    assert {note.cosigner_id for note in awaiting} == {supervision.supervisor_id}
    # the drafts are flagged: both of the supervisee's, the supervisor's oldest
    now = timezone.now()
    report = get_overdue_report(
        actor=actor_for(supervision.supervisor.membership), now=now
    )
    overdue = {row.provider_id: row.overdue for row in report.providers}
    assert overdue[supervision.supervisee_id] == 2
    assert overdue[supervision.supervisor_id] >= 1  # the newest may be old too
    # each draft can copy forward from the patient's last signed note
    mine = list_my_unsigned_notes(
        actor=actor_for(supervision.supervisee.membership), now=now
    )
    for row in mine.notes:
        assert find_copy_source(
            actor=actor_for(supervision.supervisee.membership), note=row.note
        )
    # and everything went through the audited services
    assert (
        AuditEntry.objects.filter(clinic_id=demo_clinic.pk, action="cosign").count()
        == 1
    )


def test_seed_cosign_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    seed_cosign(demo_clinic, today=today)
    before = _counts(demo_clinic)
    # when
    seed_cosign(demo_clinic, today=today)
    # then
    assert _counts(demo_clinic) == before
