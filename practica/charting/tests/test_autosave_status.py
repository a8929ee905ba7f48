"""The draft's autosave status: a live region that stays in the page, the
server's "Saved at" / "Not saved: <reason>", and the script that adds
"Saving…" (no inline JavaScript)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import time_machine
from django.test import Client
from django.urls import reverse

from practica.charting.tests.factories import ClinicalNoteFactory
from practica.tenancy.models import Clinic, Membership

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_draft_page_holds_the_status_in_a_live_region_with_its_script(
    clinic: Clinic, provider_member: Membership, client_for: ClientFor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    body = (
        client_for(provider_member)
        .get(reverse("charting:note-detail", kwargs={"note_id": note.pk}))
        .content.decode()
    )
    # then
    assert (
        '<div class="note-status-region" role="status" aria-live="polite">'
        '<p id="note-status" class="note-status" data-state="saved">Saved at '
    ) in body
    assert 'src="/static/charting/autosave.js" type="module"' in body
    assert " onclick=" not in body
    assert "<script>" not in body


def test_a_saved_draft_answers_saved_at_in_the_visit_time_zone(
    clinic: Clinic, provider_member: Membership, client_for: ClientFor
) -> None:
    # given: 15:05 UTC is 10:05 in Toronto (standard time)
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    with time_machine.travel(
        datetime.datetime(2026, 1, 12, 15, 5, tzinfo=datetime.UTC), tick=False
    ):
        response = client_for(provider_member).post(
            reverse("charting:note-edit", kwargs={"note_id": note.pk}),
            {"chief_complaint": "Ankle"},
            **HTMX,
        )
    # then
    assert response.status_code == 200
    assert response.content.decode() == (
        '<p id="note-status" class="note-status" data-state="saved">Saved at 10:05</p>'
    )


def test_a_refused_value_answers_not_saved_naming_the_field(
    clinic: Clinic, provider_member: Membership, client_for: ClientFor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    response = client_for(provider_member).post(
        reverse("charting:note-edit", kwargs={"note_id": note.pk}),
        {"pain_nprs": "12"},
        **HTMX,
    )
    # then
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-state="error"' in body
    assert "Not saved: Pain (NPRS 0-10):" in body
    note.refresh_from_db()
    assert note.content == {}
