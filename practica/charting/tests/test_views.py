from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.charting.services import ensure_shipped_templates
from practica.charting.tests.factories import (
    ClinicalNoteFactory,
    NoteAddendumFactory,
    SignedNoteFactory,
)
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER
from practica.tenancy.tests.factories import make_member

# Session, user, membership, roles; note, addenda; the view audit entry (savepoint,
# chain, insert, chain update, release). The warm-up page stamped the session's
# activity, which is rewritten only when 30 seconds old.
QUERIES_NOTE_DETAIL = 11

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}
COMPLETE = {
    "chief_complaint": "Right shoulder pain",
    "impression": "Rotator cuff tendinopathy",
    "treatment": "Soft tissue release",
}


def _member(clinic: Clinic, role: str) -> Membership:
    return make_member(clinic, [role])


def _detail(note: ClinicalNote) -> str:
    return reverse("charting:note-detail", kwargs={"note_id": note.pk})


def _url(name: str, note: ClinicalNote) -> str:
    return reverse(f"charting:{name}", kwargs={"note_id": note.pk})


@pytest.fixture
def provider_client(provider_member: Membership, client_for: ClientFor) -> Client:
    return client_for(provider_member)


# note-start


def test_note_start_creates_note_and_redirects(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = provider_client.post(url)
    # then
    note = ClinicalNote.objects.get(appointment=appointment)
    assert response.status_code == 302
    assert response["Location"] == _detail(note)
    assert note.template.key == "physiotherapy-soap"


def test_note_start_opens_existing_note(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    url = reverse("charting:note-start", kwargs={"appointment_id": note.appointment_id})
    # when
    response = provider_client.post(url)
    # then
    assert response["Location"] == _detail(note)
    assert ClinicalNote.objects.count() == 1


def test_note_start_htmx_redirects_by_header(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = provider_client.post(url, **HTMX)
    # then
    note = ClinicalNote.objects.get(appointment=appointment)
    assert response.status_code == 204
    assert response["HX-Redirect"] == _detail(note)


def test_note_start_with_chosen_template(
    clinic: Clinic, provider_client: Client, physio_template: NoteTemplate
) -> None:
    # given
    massage = NoteTemplate.objects.get(clinic=clinic, key="massage-treatment")
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    provider_client.post(url, {"template": str(massage.pk)})
    # then
    assert ClinicalNote.objects.get(appointment=appointment).template == massage


def test_note_start_rejects_template_of_other_clinic(
    clinic: Clinic, other_clinic: Clinic, provider_client: Client
) -> None:
    # given
    foreign = ensure_shipped_templates(clinic=other_clinic)[0]
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = provider_client.post(url, {"template": str(foreign.pk)})
    # then
    assert response.status_code == 422
    assert "Template: Choose one of this clinic&#x27;s templates." in (
        response.content.decode()
    )
    assert ClinicalNote.objects.count() == 0


def test_note_start_refuses_cancelled_appointment(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.CANCELLED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = provider_client.post(url)
    # then
    assert response.status_code == 422
    assert "cancelled or no-show appointment" in response.content.decode()
    assert ClinicalNote.objects.count() == 0


def test_note_start_other_clinic_appointment_is_404(
    other_clinic: Clinic, provider_client: Client
) -> None:
    # given
    appointment = AppointmentFactory(clinic=other_clinic)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = provider_client.post(url)
    # then
    assert response.status_code == 404
    assert ClinicalNote.objects.count() == 0


# note-detail


def test_note_detail_draft_shows_form_with_autosave_and_sign(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    response = provider_client.get(_detail(note))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-post="{_url("note-edit", note)}"' in body
    assert 'id="note-status"' in body
    assert f'formaction="{_url("note-sign", note)}"' in body
    assert "data-confirm=" in body
    assert note.patient.full_name in body
    assert note.template.name in body
    assert '<span class="badge warn">Draft</span>' in body
    assert f'href="/patients/{note.patient_id}/"' in body


def test_note_detail_signed_shows_sections_and_addenda(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = SignedNoteFactory(
        clinic=clinic, content={**COMPLETE, "pain_nprs": 4, "history": "a\nb"}
    )
    NoteAddendumFactory(note=note, text="Follow-up <call>")
    # when
    response = provider_client.get(_detail(note))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="badge ok">Signed</span>' in body
    assert "Subjective" in body
    assert "Plan" in body
    assert "4 / 10" in body
    assert "a<br>b" in body
    assert "Follow-up &lt;call&gt;" in body
    assert "note-form" not in body
    assert f'hx-post="{_url("note-addendum", note)}"' in body


def test_note_detail_owner_reads_draft_without_form(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    owner = client_for(_member(clinic, OWNER))
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    response = owner.get(_detail(note))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "note-form" not in body
    assert "Left knee pain on stairs" in body


def test_note_detail_records_one_view_with_patient(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    provider_client.get(_detail(note))
    # then
    views = list(AuditEntry.objects.filter(action="view"))
    assert [(v.object_type, v.object_id, v.patient_id) for v in views] == [
        ("charting.clinicalnote", str(note.pk), note.patient_id)
    ]


def test_note_detail_other_clinic_is_404_and_audited(
    other_clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=other_clinic)
    # when
    response = provider_client.get(_detail(note))
    # then
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="view").count() == 0
    assert AuditEntry.objects.filter(outcome="denied").count() == 1


@pytest.mark.parametrize("addenda", [0, 5])
def test_note_detail_query_count_is_constant(
    clinic: Clinic,
    provider_client: Client,
    django_assert_num_queries: Callable[..., object],
    addenda: int,
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    NoteAddendumFactory.create_batch(addenda, note=note)
    provider_client.get(_detail(note))  # warm the session
    # when / then
    with django_assert_num_queries(QUERIES_NOTE_DETAIL):  # type: ignore[operator]
        response = provider_client.get(_detail(note))
    assert response.content.decode().count('class="addendum"') == addenda


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
@pytest.mark.parametrize(
    "name", ["note-detail", "note-edit", "note-sign", "note-addendum"]
)
def test_note_views_forbid_roles_without_chart_access(
    clinic: Clinic, client_for: ClientFor, role: str, name: str
) -> None:
    # given
    client = client_for(_member(clinic, role))
    note = ClinicalNoteFactory(clinic=clinic)
    url = _url(name, note)
    # when
    response = client.get(url) if name == "note-detail" else client.post(url, COMPLETE)
    # then
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.DRAFT


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING, OWNER])
def test_note_start_forbids_roles_without_chart_edit(
    clinic: Clinic, client_for: ClientFor, role: str
) -> None:
    # given
    client = client_for(_member(clinic, role))
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    url = reverse("charting:note-start", kwargs={"appointment_id": appointment.pk})
    # when
    response = client.post(url)
    # then
    assert response.status_code == 403
    assert ClinicalNote.objects.count() == 0


def test_note_detail_rejects_post(clinic: Clinic, provider_client: Client) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_detail(note))
    # then
    assert response.status_code == 405


# note-edit


def test_note_edit_saves_draft_and_redirects(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(
        _url("note-edit", note), {"chief_complaint": "Ankle", "pain_nprs": "7"}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == _detail(note)
    note.refresh_from_db()
    assert note.content["chief_complaint"] == "Ankle"
    assert note.content["pain_nprs"] == 7
    assert note.content["history"] == ""


def test_note_edit_htmx_returns_saved_status_partial(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(
        _url("note-edit", note), {"chief_complaint": "Ankle"}, **HTMX
    )
    # then
    body = response.content.decode()
    note.refresh_from_db()
    assert response.status_code == 200
    assert body.startswith('<p id="note-status"')
    assert "Saved " in body
    assert "<form" not in body
    assert note.content["chief_complaint"] == "Ankle"
    assert "HX-Request" in response["Vary"]


def test_note_edit_invalid_returns_422_naming_field(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(
        _url("note-edit", note), {"chief_complaint": "Ankle", "pain_nprs": "12"}
    )
    # then
    assert response.status_code == 422
    assert "Pain (NPRS 0-10): Enter a whole number from 0 to 10." in (
        response.content.decode()
    )
    note.refresh_from_db()
    assert note.content == {}


def test_note_edit_htmx_invalid_returns_422_status_partial(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(
        _url("note-edit", note), {"pain_nprs": "ten"}, **HTMX
    )
    # then
    body = response.content.decode()
    assert response.status_code == 422
    assert body.startswith('<p id="note-status"')
    assert "Pain (NPRS 0-10): Enter a whole number from 0 to 10." in body
    note.refresh_from_db()
    assert note.content == {}


def test_note_edit_signed_note_is_409(clinic: Clinic, provider_client: Client) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    before = dict(note.content)
    # when
    response = provider_client.post(_url("note-edit", note), {"history": "late"})
    # then
    assert response.status_code == 409
    note.refresh_from_db()
    assert note.content == before


def test_note_edit_htmx_signed_note_refreshes_page(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_url("note-edit", note), {"history": "x"}, **HTMX)
    # then
    assert response.status_code == 409
    assert response["HX-Refresh"] == "true"


# note-sign


def test_note_sign_signs_with_form_values(
    clinic: Clinic, provider_client: Client, provider_member: Membership
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(_url("note-sign", note), COMPLETE)
    # then
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.SIGNED
    assert note.signed_by == provider_member.user
    assert note.content["treatment"] == "Soft tissue release"
    signs = list(AuditEntry.objects.filter(action="sign"))
    assert [(s.object_id, s.patient_id) for s in signs] == [
        (str(note.pk), note.patient_id)
    ]


def test_note_sign_missing_required_is_422(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = provider_client.post(
        _url("note-sign", note), {"chief_complaint": "Knee"}
    )
    # then
    assert response.status_code == 422
    assert (
        "Complete before signing: Clinical impression / diagnosis, "
        "Treatment provided." in response.content.decode()
    )
    note.refresh_from_db()
    assert (note.status, note.content) == (ClinicalNote.Status.DRAFT, {})


def test_note_sign_twice_is_409(clinic: Clinic, provider_client: Client) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_url("note-sign", note), COMPLETE)
    # then
    assert response.status_code == 409
    assert "already signed" in response.content.decode()


def test_note_sign_forbidden_for_owner(clinic: Clinic, client_for: ClientFor) -> None:
    # given
    client = client_for(_member(clinic, OWNER))
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    # when
    response = client.post(_url("note-sign", note))
    # then
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.DRAFT


# note-addendum


def test_note_addendum_adds_and_redirects(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_url("note-addendum", note), {"text": "Added"})
    # then
    assert response.status_code == 302
    assert response["Location"] == _detail(note) + "#addenda"
    assert list(NoteAddendum.objects.values_list("text", flat=True)) == ["Added"]


def test_note_addendum_htmx_returns_addenda_partial(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(
        _url("note-addendum", note), {"text": "Added"}, **HTMX
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section id="addenda"')
    assert "Added" in body


def test_note_addendum_empty_is_422(clinic: Clinic, provider_client: Client) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_url("note-addendum", note), {"text": "  "})
    # then
    assert response.status_code == 422
    assert "Addendum: Write the addendum text." in response.content.decode()
    assert NoteAddendum.objects.count() == 0


def test_note_addendum_on_draft_is_409(clinic: Clinic, provider_client: Client) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    response = provider_client.post(_url("note-addendum", note), {"text": "x"})
    # then
    assert response.status_code == 409
    assert NoteAddendum.objects.count() == 0


def test_note_edit_htmx_saved_time_is_in_location_time_zone(
    clinic: Clinic, provider_client: Client
) -> None:
    # given: 14:42 UTC is 10:42 in Toronto (daylight time)
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    with time_machine.travel(
        datetime.datetime(2025, 3, 10, 14, 42, tzinfo=datetime.UTC), tick=False
    ):
        response = provider_client.post(
            _url("note-edit", note), {"chief_complaint": "Ankle"}, **HTMX
        )
    # then
    assert "Saved at 10:42" in response.content.decode()
