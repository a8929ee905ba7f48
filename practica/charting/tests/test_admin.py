from __future__ import annotations

from django.contrib.admin import AdminSite
from django.test import RequestFactory

from practica.charting.admin import ClinicalNoteAdmin, NoteAddendumAdmin
from practica.charting.models import ClinicalNote, NoteAddendum
from practica.charting.tests.factories import SignedNoteFactory
from practica.tenancy.models import Clinic


def test_clinical_note_admin_is_read_only(clinic: Clinic) -> None:
    # given
    model_admin = ClinicalNoteAdmin(ClinicalNote, AdminSite())
    request = RequestFactory().get("/")
    note = SignedNoteFactory(clinic=clinic)
    # when
    readonly = model_admin.get_readonly_fields(request, note)
    # then
    assert sorted(readonly) == sorted(f.name for f in ClinicalNote._meta.fields)
    assert "content" in readonly
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, note) is False
    assert model_admin.has_delete_permission(request, note) is False
    assert model_admin.has_delete_permission(request) is False


def test_addendum_admin_is_read_only() -> None:
    # given
    model_admin = NoteAddendumAdmin(NoteAddendum, AdminSite())
    request = RequestFactory().get("/")
    # when
    readonly = model_admin.get_readonly_fields(request)
    # then
    assert sorted(readonly) == sorted(f.name for f in NoteAddendum._meta.fields)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
