"""Admin registration: clinical notes and addenda are shown read-only.

A signed note never changes, and a draft is edited only through the chart
(where the change is audited), so the admin offers no add, change or delete.
The project does not install django.contrib.admin today; the registration
below takes effect as soon as it does.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from practica.charting.models import ClinicalNote, NoteAddendum


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClinicalNoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "clinic", "status", "template", "created_at", "signed_at")
    list_filter = ("status",)
    actions = None


class NoteAddendumAdmin(ReadOnlyAdmin):
    list_display = ("id", "clinic", "note", "signed_at")
    actions = None


if apps.is_installed("django.contrib.admin"):
    admin.site.register(ClinicalNote, ClinicalNoteAdmin)
    admin.site.register(NoteAddendum, NoteAddendumAdmin)
