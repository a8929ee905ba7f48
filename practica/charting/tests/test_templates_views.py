"""The template builder pages: list, create, edit as a new version, the
list-editing buttons, refusals (422, field named, nothing saved), retire."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.models import NoteTemplate
from practica.charting.note_fields import TemplateField
from practica.charting.services import ensure_shipped_templates
from practica.charting.services_templates import create_template
from practica.charting.tests.factories import ClinicalNoteFactory, SignedNoteFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ADMIN, OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}
CREATE = reverse("charting:template-create")


@pytest.fixture
def owner_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [OWNER])


@pytest.fixture
def owner_client(owner_member: Membership, client_for: ClientFor) -> Client:
    return client_for(owner_member)


def _post(
    fields: list[dict[str, str]], action: str = "save", **meta: str
) -> dict[str, str]:
    data = {
        "name": meta.get("name", "Hand therapy"),
        "modality": meta.get("modality", "occupational_therapy"),
        "field_count": str(len(fields)),
        "action": action,
    }
    for i, field in enumerate(fields):
        for part, value in field.items():
            data[f"f-{i}-{part}"] = value
    return data


GRIP = {"label": "Grip strength", "type": "table", "section": "O", "rows": "Grip"}
TABLE = {**GRIP, "columns": "Left\nRight", "cell": "number"}
REASON = {"label": "Reason", "type": "text", "section": "Subjective"}
TECHNIQUES = {
    "label": "Techniques",
    "type": "checklist",
    "section": "Treatment",
    "choices": "Splinting\n\nScar massage\n",
    "required": "on",
}


def test_owner_sees_the_builder_list_with_the_new_template_link(
    owner_client: Client,
) -> None:
    # when
    response = owner_client.get(reverse("charting:template-list"))
    # then
    assert response.status_code == 200
    assert f'href="{CREATE}"' in response.content.decode()


def test_clinic_settings_link_to_the_builder(owner_client: Client) -> None:
    # when
    response = owner_client.get(reverse("tenancy:settings"))
    # then
    assert reverse("charting:template-list") in response.content.decode()


def test_a_provider_cannot_open_the_builder(
    clinic: Clinic, client_for: ClientFor
) -> None:
    # given
    client = client_for(make_member(clinic, [PROVIDER]))
    # when
    response = client.get(CREATE)
    # then
    assert response.status_code == 403


def test_create_saves_the_fields_and_redirects_to_the_template(
    clinic: Clinic, owner_client: Client
) -> None:
    # when
    response = owner_client.post(CREATE, _post([REASON, TECHNIQUES, TABLE]))
    # then
    template = NoteTemplate.objects.get(clinic=clinic, key="hand-therapy")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "charting:template-detail", kwargs={"template_id": template.pk}
    )
    assert template.fields == [
        {"name": "reason", "label": "Reason", "section": "Subjective", "type": "text"},
        {
            "name": "techniques",
            "label": "Techniques",
            "section": "Treatment",
            "type": "checklist",
            "required": True,
            "choices": ["Splinting", "Scar massage"],
        },
        {
            "name": "grip_strength",
            "label": "Grip strength",
            "section": "O",
            "type": "table",
            "rows": ["Grip"],
            "columns": ["Left", "Right"],
            "cell": "number",
        },
    ]


def test_create_by_htmx_redirects_with_a_header(owner_client: Client) -> None:
    # when
    response = owner_client.post(CREATE, _post([REASON]), **HTMX)
    # then
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/charting/templates/")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            [{**TECHNIQUES, "choices": ""}],
            "Field 1 (Techniques): add at least one choice.",
        ),
        ([GRIP], "Field 1 (Grip strength): add at least one column."),
        (
            [{**TABLE, "rows": ""}],
            "Field 1 (Grip strength): add at least one row.",
        ),
        (
            [{**REASON, "name": "why"}, {**TABLE, "name": "why"}],
            "Field 2 (Grip strength): the name “why” is used by another field.",
        ),
        ([{**REASON, "section": ""}], "Field 1 (Reason): choose a section."),
        ([], "Add at least one field."),
    ],
)
def test_create_refuses_bad_fields_naming_them_and_saves_nothing(
    clinic: Clinic,
    owner_client: Client,
    fields: list[dict[str, str]],
    message: str,
) -> None:
    # when
    response = owner_client.post(CREATE, _post(fields))
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not NoteTemplate.objects.filter(clinic=clinic).exists()
    assert not AuditEntry.objects.filter(clinic_id=clinic.pk, action="create").exists()


def test_create_refuses_a_missing_name(clinic: Clinic, owner_client: Client) -> None:
    # when
    response = owner_client.post(CREATE, _post([REASON], name=" "))
    # then
    assert response.status_code == 422
    assert "Template name: Write the template&#x27;s name." in (
        response.content.decode()
    )
    assert not NoteTemplate.objects.filter(clinic=clinic).exists()


def test_labels_are_escaped(owner_client: Client) -> None:
    # when
    response = owner_client.post(
        CREATE, _post([{**REASON, "label": "<script>x</script>"}], action="preview")
    )
    # then
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_add_appends_a_field_in_the_last_section_and_saves_nothing(
    clinic: Clinic, owner_client: Client
) -> None:
    # when
    response = owner_client.post(CREATE, _post([TECHNIQUES], action="add"), **HTMX)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'name="field_count" value="2"' in html
    assert 'name="f-1-section" value="Treatment"' in html
    assert response["Vary"] == "HX-Request, Cookie"
    assert not NoteTemplate.objects.filter(clinic=clinic).exists()


@pytest.mark.parametrize(
    ("action", "labels"),
    [
        ("up-1", ["Techniques", "Reason", "Grip strength"]),
        ("down-1", ["Reason", "Grip strength", "Techniques"]),
        ("remove-0", ["Techniques", "Grip strength"]),
        ("up-0", ["Reason", "Techniques", "Grip strength"]),
        ("section-down-0", ["Techniques", "Reason", "Grip strength"]),
        ("section-up-2", ["Reason", "Grip strength", "Techniques"]),
    ],
)
def test_buttons_reorder_and_remove_fields(
    owner_client: Client, action: str, labels: list[str]
) -> None:
    # when
    response = owner_client.post(
        CREATE, _post([REASON, TECHNIQUES, TABLE], action=action)
    )
    # then
    html = response.content.decode()
    positions = [html.index(f'value="{label}"') for label in labels]
    assert response.status_code == 200
    assert positions == sorted(positions)
    assert f'name="field_count" value="{len(labels)}"' in html


def test_preview_shows_the_form_a_note_would_show(owner_client: Client) -> None:
    # when
    response = owner_client.post(CREATE, _post([REASON, TABLE], action="preview"))
    # then
    html = response.content.decode()
    assert "<legend>Subjective</legend>" in html
    assert 'aria-label="Grip, Right"' in html


# edit


def test_edit_saves_a_new_version(clinic: Clinic, owner_member: Membership) -> None:
    # given
    fields: list[TemplateField] = [
        {"name": "reason", "label": "Reason", "section": "S", "type": "text"}
    ]
    v1 = create_template(
        actor=actor_for(owner_member), name="Hand", modality="massage", fields=fields
    )
    client = Client()
    client.force_login(owner_member.user)
    url = reverse("charting:template-edit", kwargs={"template_id": v1.pk})
    form = client.get(url).content.decode()
    # when
    response = client.post(
        url,
        _post([{**REASON, "name": "reason"}, TABLE], name="Hand", modality="massage"),
    )
    # then
    v2 = NoteTemplate.objects.get(clinic=clinic, key=v1.key, version=2)
    v1.refresh_from_db()
    assert 'name="f-0-section" value="Subjective"' in form
    assert response.status_code == 302
    assert [f["name"] for f in v2.fields] == ["reason", "grip_strength"]
    assert (v1.is_active, v2.is_active) == (False, True)


def test_edit_of_an_older_version_is_a_conflict(
    clinic: Clinic, owner_member: Membership
) -> None:
    # given
    actor = actor_for(owner_member)
    fields: list[TemplateField] = [
        {"name": "reason", "label": "Reason", "section": "S", "type": "text"}
    ]
    v1 = create_template(actor=actor, name="Hand", modality="massage", fields=fields)
    client = Client()
    client.force_login(owner_member.user)
    url = reverse("charting:template-edit", kwargs={"template_id": v1.pk})
    client.post(url, _post([REASON], name="Hand", modality="massage"))
    # when
    response = client.post(url, _post([REASON], name="Hand", modality="massage"))
    # then
    assert response.status_code == 409
    assert "Version 2 was saved meanwhile" in response.content.decode()
    assert NoteTemplate.objects.filter(clinic=clinic, key=v1.key).count() == 2


# retire / reactivate


def test_retire_then_reactivate(clinic: Clinic, owner_member: Membership) -> None:
    # given
    fields: list[TemplateField] = [
        {"name": "reason", "label": "Reason", "section": "S", "type": "text"}
    ]
    template = create_template(
        actor=actor_for(owner_member), name="Hand", modality="massage", fields=fields
    )
    client = Client()
    client.force_login(make_member(clinic, [ADMIN]).user)
    url = reverse("charting:template-active", kwargs={"template_id": template.pk})
    # when
    retired = client.post(url, {"is_active": "0"})
    template.refresh_from_db()
    # then
    assert retired.status_code == 302
    assert template.is_active is False
    # when
    client.post(url, {"is_active": "1"})
    template.refresh_from_db()
    # then
    assert template.is_active is True


def test_active_refuses_a_bad_value(clinic: Clinic, owner_member: Membership) -> None:
    # given
    fields: list[TemplateField] = [
        {"name": "reason", "label": "Reason", "section": "S", "type": "text"}
    ]
    template = create_template(
        actor=actor_for(owner_member), name="Hand", modality="massage", fields=fields
    )
    client = Client()
    client.force_login(owner_member.user)
    url = reverse("charting:template-active", kwargs={"template_id": template.pk})
    # when
    response = client.post(url, {"is_active": "maybe"})
    # then
    template.refresh_from_db()
    assert response.status_code == 422
    assert "Active: choose retire or reactivate." in response.content.decode()
    assert template.is_active is True


# a draft note's template


@pytest.fixture
def provider_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [PROVIDER]))


def _shipped(clinic: Clinic) -> dict[str, NoteTemplate]:
    return {t.key: t for t in ensure_shipped_templates(clinic=clinic)}


def test_note_template_page_lists_the_modality_and_audits_the_view(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    shipped = _shipped(clinic)
    note = ClinicalNoteFactory(clinic=clinic, template=shipped["physiotherapy-soap"])
    url = reverse("charting:note-template", kwargs={"note_id": note.pk})
    # when
    response = provider_client.get(url)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Physiotherapy follow-up (SOAP)" in html
    assert "Massage therapy" not in html
    assert '<span class="badge ok">Suggested</span>' in html
    assert AuditEntry.objects.filter(
        clinic_id=clinic.pk, action="view", object_id=str(note.pk)
    ).exists()


def test_switching_keeps_shared_values(clinic: Clinic, provider_client: Client) -> None:
    # given
    shipped = _shipped(clinic)
    follow_up = shipped["physiotherapy-follow-up"]
    note = ClinicalNoteFactory(
        clinic=clinic,
        template=shipped["physiotherapy-soap"],
        content={"impression": "Better", "pain_nprs": 4, "chief_complaint": ""},
    )
    url = reverse("charting:note-template", kwargs={"note_id": note.pk})
    # when
    response = provider_client.post(url, {"template": str(follow_up.pk)})
    # then
    note.refresh_from_db()
    assert response.status_code == 302
    assert note.template_id == follow_up.pk
    assert note.content == {"impression": "Better", "pain_nprs": 4}


def test_switching_refuses_to_lose_entries(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    shipped = _shipped(clinic)
    initial = shipped["physiotherapy-soap"]
    note = ClinicalNoteFactory(
        clinic=clinic, template=initial, content={"chief_complaint": "Knee"}
    )
    url = reverse("charting:note-template", kwargs={"note_id": note.pk})
    # when
    response = provider_client.post(
        url, {"template": str(shipped["physiotherapy-follow-up"].pk)}
    )
    # then
    note.refresh_from_db()
    assert response.status_code == 422
    assert "no place for Chief complaint" in response.content.decode()
    assert note.template_id == initial.pk


@pytest.mark.parametrize("value", ["", "abc", "massage"])
def test_switching_refuses_other_modalities_and_bad_ids(
    clinic: Clinic, provider_client: Client, value: str
) -> None:
    # given
    shipped = _shipped(clinic)
    note = ClinicalNoteFactory(clinic=clinic, template=shipped["physiotherapy-soap"])
    url = reverse("charting:note-template", kwargs={"note_id": note.pk})
    posted = str(shipped["massage-treatment"].pk) if value == "massage" else value
    # when
    response = provider_client.post(url, {"template": posted})
    # then
    assert response.status_code == 422
    assert "Template: choose one of the listed templates." in (
        response.content.decode()
    )


def test_a_signed_note_keeps_its_template(
    clinic: Clinic, provider_client: Client
) -> None:
    # given
    shipped = _shipped(clinic)
    note = SignedNoteFactory(clinic=clinic, template=shipped["physiotherapy-soap"])
    url = reverse("charting:note-template", kwargs={"note_id": note.pk})
    # when
    response = provider_client.post(
        url, {"template": str(shipped["physiotherapy-follow-up"].pk)}
    )
    # then
    note.refresh_from_db()
    assert response.status_code == 422
    assert note.template == shipped["physiotherapy-soap"]
