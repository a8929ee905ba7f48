"""Co-signature: a supervised provider's signed note awaits the co-signature
of the supervisor named at signing; only that supervisor co-signs, once; the
co-signature never changes by any path."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.errors import (
    ChartPermissionError,
    CosignatureError,
    NotNamedSupervisorError,
    SupervisionError,
)
from practica.charting.models import (
    ClinicalNote,
    NoteCosignature,
    NoteTemplate,
    Supervision,
)
from practica.charting.selectors_notes import list_awaiting_my_cosignature
from practica.charting.services import sign_note
from practica.charting.services_cosign import (
    COMMENT_MAX,
    cosign_note,
    end_supervision,
    start_supervision,
)
from practica.charting.tests.factories import (
    AwaitingCosignatureNoteFactory,
    ClinicalNoteFactory,
    NoteCosignatureFactory,
    SignedNoteFactory,
    SupervisionFactory,
)
from practica.scheduling.models import Provider
from practica.scheduling.tests.factories import MONDAY, ProviderFactory, local
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ADMIN, FRONT_DESK, OWNER
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]
COMPLETE = {
    "chief_complaint": "Right shoulder pain",
    "impression": "Rotator cuff tendinopathy",
    "treatment": "Soft tissue release",
}


@pytest.fixture
def supervision(clinic: Clinic) -> Supervision:
    return SupervisionFactory(clinic=clinic)


def _actor(provider: Provider) -> Actor:
    return actor_for(provider.membership)


def _draft_of(provider: Provider, template: NoteTemplate) -> ClinicalNote:
    return ClinicalNoteFactory(
        clinic=provider.clinic,
        template=template,
        content=COMPLETE,
        appointment__provider=provider,
    )


_days = itertools.count(1)


def _visit() -> datetime.datetime:
    """A different past visit each time (one provider is never double-booked)."""
    return local(MONDAY, 10) - datetime.timedelta(days=next(_days))


def _awaiting(supervision: Supervision) -> ClinicalNote:
    return AwaitingCosignatureNoteFactory(
        clinic=supervision.clinic,
        appointment__provider=supervision.supervisee,
        appointment__start_at=_visit(),
        cosigner=supervision.supervisor,
    )


# signing decides


def test_a_supervised_provider_signs_and_the_note_names_the_supervisor(
    supervision: Supervision, physio_template: NoteTemplate
) -> None:
    # given
    note = _draft_of(supervision.supervisee, physio_template)
    # when
    signed = sign_note(actor=_actor(supervision.supervisee), note=note)
    # then the note is signed and locked as usual, awaiting the co-signature
    stored = ClinicalNote.objects.get(pk=note.pk)
    assert stored.is_signed
    assert stored.cosigner == supervision.supervisor
    assert signed.cosigner == supervision.supervisor
    assert AuditEntry.objects.get(action="sign").detail == (
        f"awaiting co-signature by provider {supervision.supervisor.pk}"
    )


@pytest.mark.parametrize("ended", [False, True])
def test_no_co_signature_without_an_active_supervision(
    clinic: Clinic, physio_template: NoteTemplate, ended: bool
) -> None:
    # given a provider never supervised, or whose supervision ended
    supervision = SupervisionFactory(clinic=clinic)
    provider = supervision.supervisee if ended else ProviderFactory(clinic=clinic)
    if ended:
        end_supervision(
            actor=actor_for(make_member(clinic, [ADMIN])), supervision=supervision
        )
    note = _draft_of(provider, physio_template)
    # when
    sign_note(actor=_actor(provider), note=note)
    # then
    assert ClinicalNote.objects.get(pk=note.pk).cosigner is None


def test_the_supervisor_signing_the_students_note_needs_no_co_signature(
    supervision: Supervision, physio_template: NoteTemplate
) -> None:
    # given
    note = _draft_of(supervision.supervisee, physio_template)
    # when
    sign_note(actor=_actor(supervision.supervisor), note=note)
    # then
    assert ClinicalNote.objects.get(pk=note.pk).cosigner is None


# co-signing


def test_the_named_supervisor_co_signs_without_changing_the_note(
    supervision: Supervision,
) -> None:
    # given
    note = _awaiting(supervision)
    before = ClinicalNote.objects.values().get(pk=note.pk)
    # when
    cosignature = cosign_note(
        actor=_actor(supervision.supervisor), note=note, comment="  Agree.  "
    )
    # then
    assert cosignature.note == note
    assert cosignature.supervisor == supervision.supervisor
    assert cosignature.signed_by == supervision.supervisor.membership.user
    assert cosignature.comment == "Agree."
    assert ClinicalNote.objects.values().get(pk=note.pk) == before
    entry = AuditEntry.objects.get(action="cosign")
    assert entry.object_id == str(cosignature.pk)
    assert entry.patient_id == note.patient_id


def test_only_the_named_supervisor_can_co_sign(
    supervision: Supervision, clinic: Clinic
) -> None:
    # given another provider, and the supervised provider themselves
    note = _awaiting(supervision)
    others = [ProviderFactory(clinic=clinic), supervision.supervisee]
    # when / then
    for provider in others:
        with pytest.raises(NotNamedSupervisorError):
            cosign_note(actor=_actor(provider), note=note)
    assert NoteCosignature.objects.count() == 0


@pytest.mark.parametrize("role", [OWNER, ADMIN, FRONT_DESK])
def test_roles_without_chart_sign_cannot_co_sign(
    supervision: Supervision, clinic: Clinic, role: str
) -> None:
    # given
    note = _awaiting(supervision)
    # when / then
    with pytest.raises(ChartPermissionError):
        cosign_note(actor=actor_for(make_member(clinic, [role])), note=note)
    assert NoteCosignature.objects.count() == 0


def test_a_second_co_signature_is_refused(supervision: Supervision) -> None:
    # given
    note = _awaiting(supervision)
    cosign_note(actor=_actor(supervision.supervisor), note=note)
    # when / then
    with pytest.raises(CosignatureError, match="already co-signed"):
        cosign_note(actor=_actor(supervision.supervisor), note=note, comment="again")
    assert NoteCosignature.objects.count() == 1


@pytest.mark.parametrize("signed", [False, True])
def test_a_note_not_awaiting_co_signature_is_refused(
    supervision: Supervision, signed: bool
) -> None:
    # given a draft, or a signed note naming no co-signer
    factory = SignedNoteFactory if signed else ClinicalNoteFactory
    note = factory(clinic=supervision.clinic)
    # when / then
    with pytest.raises(CosignatureError, match="does not need a co-signature"):
        cosign_note(actor=_actor(supervision.supervisor), note=note)
    assert NoteCosignature.objects.count() == 0


def test_a_long_comment_is_refused_naming_the_field(supervision: Supervision) -> None:
    # given
    note = _awaiting(supervision)
    # when / then
    with pytest.raises(CosignatureError) as raised:
        cosign_note(
            actor=_actor(supervision.supervisor),
            note=note,
            comment="x" * (COMMENT_MAX + 1),
        )
    assert raised.value.field == "comment"
    assert raised.value.status == 422
    assert NoteCosignature.objects.count() == 0


def test_the_supervisor_named_at_signing_still_co_signs_after_the_supervision_ends(
    supervision: Supervision, clinic: Clinic
) -> None:
    # given
    note = _awaiting(supervision)
    end_supervision(
        actor=actor_for(make_member(clinic, [ADMIN])), supervision=supervision
    )
    # when
    cosign_note(actor=_actor(supervision.supervisor), note=note)
    # then
    assert NoteCosignature.objects.filter(note=note).count() == 1


# immutability


def _refused(sql: str, params: list[object]) -> bool:
    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        except DatabaseError:
            transaction.savepoint_rollback(sid)
            return True
        transaction.savepoint_rollback(sid)
    return False


def test_the_database_refuses_to_change_a_co_signature_by_any_path(
    clinic: Clinic,
) -> None:
    # given
    cosignature = NoteCosignatureFactory(note__clinic=clinic)
    pk = cosignature.pk.hex if connection.vendor == "sqlite" else cosignature.pk
    table = NoteCosignature._meta.db_table
    # when / then: raw SQL UPDATE on both databases; raw DELETE on PostgreSQL
    # (SQLite leaves DELETE to the ORM so the test runner can flush tables)
    assert _refused(f"UPDATE {table} SET comment = %s WHERE id = %s", ["x", pk])
    if connection.vendor == "postgresql":
        assert _refused(f"DELETE FROM {table} WHERE id = %s", [pk])
    # the ORM's update and save
    with transaction.atomic(), pytest.raises(DatabaseError):
        NoteCosignature.objects.filter(pk=cosignature.pk).update(comment="x")
    cosignature.comment = "changed"
    with transaction.atomic(), pytest.raises(DatabaseError):
        cosignature.save()
    # the ORM's delete, of the row and of a queryset
    with pytest.raises(IntegrityError):
        cosignature.delete()
    with pytest.raises(IntegrityError):
        NoteCosignature.objects.filter(pk=cosignature.pk).delete()
    stored = NoteCosignature.objects.get(pk=cosignature.pk)
    assert stored.comment == "Reviewed; agree with the plan."


def test_the_database_refuses_to_change_the_co_signer_of_a_signed_note(
    clinic: Clinic,
) -> None:
    # given
    note = AwaitingCosignatureNoteFactory(clinic=clinic)
    table = ClinicalNote._meta.db_table
    pk = note.pk.hex if connection.vendor == "sqlite" else note.pk
    # when / then
    assert _refused(f"UPDATE {table} SET cosigner_id = NULL WHERE id = %s", [pk])
    assert ClinicalNote.objects.get(pk=note.pk).cosigner_id == note.cosigner_id


# supervisions


def test_start_and_end_a_supervision_are_audited(clinic: Clinic) -> None:
    # given
    admin = actor_for(make_member(clinic, [ADMIN]))
    student, supervisor = ProviderFactory(clinic=clinic), ProviderFactory(clinic=clinic)
    # when
    supervision = start_supervision(
        actor=admin, supervisee=student, supervisor=supervisor, kind="student"
    )
    ended = end_supervision(actor=admin, supervision=supervision)
    # then
    assert ended.ended_at is not None
    assert list(
        AuditEntry.objects.filter(object_id=str(supervision.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["create", "end"]


def test_supervision_rules_name_the_field(clinic: Clinic, other_clinic: Clinic) -> None:
    # given
    admin = actor_for(make_member(clinic, [ADMIN]))
    active = SupervisionFactory(clinic=clinic)
    free = ProviderFactory(clinic=clinic)
    foreign = ProviderFactory(clinic=other_clinic)
    cases = [
        (free, free, "supervisor"),  # themselves
        (active.supervisee, free, "supervisee"),  # already supervised
        (free, active.supervisee, "supervisor"),  # supervised themselves
        (active.supervisor, free, "supervisee"),  # supervises others
        (free, foreign, "supervisor"),  # another clinic's provider
    ]
    # when / then
    for supervisee, supervisor, field in cases:
        with pytest.raises(SupervisionError) as raised:
            start_supervision(
                actor=admin,
                supervisee=supervisee,
                supervisor=supervisor,
                kind="student",
            )
        assert raised.value.field == field
    assert Supervision.objects.count() == 1


def test_a_provider_cannot_set_supervisions(clinic: Clinic) -> None:
    # given
    provider = ProviderFactory(clinic=clinic)
    # when / then
    with pytest.raises(ChartPermissionError):
        start_supervision(
            actor=_actor(provider),
            supervisee=provider,
            supervisor=ProviderFactory(clinic=clinic),
            kind="student",
        )


# pages


def _detail(note: ClinicalNote) -> str:
    return reverse("charting:note-detail", kwargs={"note_id": note.pk})


def _cosign(note: ClinicalNote) -> str:
    return reverse("charting:note-cosign", kwargs={"note_id": note.pk})


def test_the_note_page_shows_who_must_co_sign_and_the_form_to_them_only(
    supervision: Supervision, client_for: ClientFor
) -> None:
    # given
    note = _awaiting(supervision)
    # when
    supervisor_page = client_for(supervision.supervisor.membership).get(_detail(note))
    student_page = client_for(supervision.supervisee.membership).get(_detail(note))
    # then
    name = supervision.supervisor.display_name
    for page in (supervisor_page, student_page):
        assert f"Awaiting co-signature by {name}" in page.content.decode()
    assert "Co-sign note" in supervisor_page.content.decode()
    assert "Co-sign note" not in student_page.content.decode()


def test_co_signing_from_the_page_shows_the_co_signature(
    supervision: Supervision, client_for: ClientFor
) -> None:
    # given
    note = _awaiting(supervision)
    client = client_for(supervision.supervisor.membership)
    # when
    response = client.post(_cosign(note), {"comment": "Good <b>note</b>"}, follow=True)
    # then
    body = response.content.decode()
    assert response.redirect_chain == [(_detail(note), 302)]
    assert "Co-signed</span> by" in body
    assert "Good &lt;b&gt;note&lt;/b&gt;" in body
    assert "Co-sign note" not in body


def test_another_provider_posting_a_co_signature_is_refused_and_audited(
    supervision: Supervision, clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    note = _awaiting(supervision)
    other = ProviderFactory(clinic=clinic)
    # when
    response = client_for(other.membership).post(_cosign(note), {})
    # then
    assert response.status_code == 403
    assert "Only the supervisor named on this note" in response.content.decode()
    assert NoteCosignature.objects.count() == 0
    denied = AuditEntry.objects.get(outcome="denied")
    assert denied.object_id == str(note.pk)


def test_a_second_co_signature_by_http_is_a_409(
    supervision: Supervision, client_for: ClientFor
) -> None:
    # given
    note = _awaiting(supervision)
    client = client_for(supervision.supervisor.membership)
    client.post(_cosign(note), {})
    # when
    response = client.post(_cosign(note), {"comment": "again"})
    # then
    assert response.status_code == 409
    assert NoteCosignature.objects.count() == 1


def test_a_too_long_comment_is_a_422_naming_the_field(
    supervision: Supervision, client_for: ClientFor
) -> None:
    # given
    note = _awaiting(supervision)
    # when
    response = client_for(supervision.supervisor.membership).post(
        _cosign(note), {"comment": "x" * (COMMENT_MAX + 1)}
    )
    # then
    assert response.status_code == 422
    assert "Comment (optional): Keep it under 2,000 characters." in (
        response.content.decode()
    )
    assert NoteCosignature.objects.count() == 0


@pytest.mark.parametrize("role", [FRONT_DESK, OWNER])
def test_roles_without_chart_sign_get_403_from_the_co_sign_views(
    supervision: Supervision, clinic: Clinic, client_for: ClientFor, role: str
) -> None:
    # given
    note = _awaiting(supervision)
    client = client_for(make_member(clinic, [role]))
    # when
    post = client.post(_cosign(note), {})
    listing = client.get(reverse("charting:cosign-list"))
    # then
    assert (post.status_code, listing.status_code) == (403, 403)


@pytest.mark.parametrize("count", [1, 4])
def test_the_supervisors_list_shows_only_their_awaiting_notes_in_constant_queries(
    clinic: Clinic,
    client_for: ClientFor,
    count: int,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given notes awaiting this supervisor, one co-signed, one for someone else
    supervision = SupervisionFactory(clinic=clinic)
    awaiting = [_awaiting(supervision) for _ in range(count)]
    NoteCosignatureFactory(
        note=_awaiting(supervision), supervisor=supervision.supervisor
    )
    _awaiting(SupervisionFactory(clinic=clinic))
    client = client_for(supervision.supervisor.membership)
    client.get(reverse("charting:cosign-list"))  # warm the session
    # when
    # Session, user, membership, roles; the notes; the view entry (savepoint,
    # chain, insert, chain update, release).
    with django_assert_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("charting:cosign-list"))
    # then
    body = response.content.decode()
    assert len(re.findall(r'href="/charting/notes/[0-9a-f-]{36}/"', body)) == count
    assert all(_detail(note) in body for note in awaiting)


def test_the_awaiting_list_is_audited_once(
    supervision: Supervision,
) -> None:
    # given
    _awaiting(supervision)
    _awaiting(supervision)
    # when
    notes = list_awaiting_my_cosignature(actor=_actor(supervision.supervisor))
    # then
    assert len(notes) == 2
    assert AuditEntry.objects.get(action="view").detail == (
        "notes awaiting co-signature 2"
    )
