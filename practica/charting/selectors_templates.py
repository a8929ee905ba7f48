"""Reads for note templates: the builder's list and versions, and which
templates a new note may use.

A template is a family of rows sharing a `key`; each saved edit is a new
version. Only the newest version of a key can be active: new notes use it,
older notes keep the version they were written with. Templates hold no
patient information, so these reads write no audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.shipped_templates import (
    FOLLOW_UP_KEY_BY_MODALITY,
    INITIAL_KEY_BY_MODALITY,
)
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor
    from practica.tenancy.models import Clinic


@dataclass(frozen=True)
class TemplateVersion:
    template: NoteTemplate
    note_count: int


@dataclass(frozen=True)
class TemplateFamily:
    """One template key: its newest version first, then the older ones."""

    key: str
    versions: list[TemplateVersion]

    @property
    def latest(self) -> NoteTemplate:
        return self.versions[0].template

    @property
    def is_active(self) -> bool:
        return self.latest.is_active

    @property
    def note_count(self) -> int:
        return sum(v.note_count for v in self.versions)


def _templates(clinic: Clinic) -> QuerySet[NoteTemplate]:
    return NoteTemplate.objects.filter(clinic=clinic)


def list_template_families(*, actor: Actor) -> list[TemplateFamily]:
    """Every template of the clinic with its versions and how many notes each
    version holds, active ones first, then by name (two queries)."""
    rows = list(_templates(actor.clinic).order_by("key", "-version"))
    counts = dict(
        ClinicalNote.objects.filter(clinic=actor.clinic)
        .values_list("template_id")
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )
    families: dict[str, list[TemplateVersion]] = {}
    for row in rows:
        families.setdefault(row.key, []).append(
            TemplateVersion(template=row, note_count=counts.get(row.pk, 0))
        )
    result = [TemplateFamily(key=key, versions=v) for key, v in families.items()]
    return sorted(
        result, key=lambda f: (not f.is_active, f.latest.name.casefold(), f.key)
    )


def get_template_for(*, actor: Actor, template_id: int) -> NoteTemplate:
    """One template version of the actor's clinic (404 and a denied audit
    entry otherwise)."""
    return scoped_get_or_404(actor, _templates(actor.clinic), pk=template_id)


def get_template_family(*, actor: Actor, key: str) -> TemplateFamily:
    """Every version of one key, newest first, with note counts."""
    rows = list(_templates(actor.clinic).filter(key=key).order_by("-version"))
    counts = dict(
        ClinicalNote.objects.filter(clinic=actor.clinic, template__in=rows)
        .values_list("template_id")
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )
    return TemplateFamily(
        key=key,
        versions=[TemplateVersion(r, counts.get(r.pk, 0)) for r in rows],
    )


def latest_version(*, clinic: Clinic, key: str) -> NoteTemplate | None:
    return _templates(clinic).filter(key=key).order_by("-version").first()


def list_active_templates(
    *, clinic: Clinic, modality: str | None = None
) -> QuerySet[NoteTemplate]:
    """The templates new notes may use (the active newest version of each
    key), by name; of one modality when given."""
    active = _templates(clinic).filter(is_active=True)
    if modality is not None:
        active = active.filter(modality=modality)
    return active.order_by("name", "-version")


def default_template_for(
    *,
    clinic: Clinic,
    modality: str,
    patient_id: uuid.UUID,
    appointment_id: uuid.UUID | None = None,
) -> NoteTemplate | None:
    """The template a new note of `modality` starts with: the initial
    assessment for the patient's first note of the modality, the follow-up
    template after it (falling back to the initial one, then to any active
    template of the modality)."""
    notes = ClinicalNote.objects.filter(
        clinic=clinic, patient_id=patient_id, template__modality=modality
    )
    if appointment_id is not None:
        notes = notes.exclude(appointment_id=appointment_id)
    earlier = notes.exists()
    keys = [INITIAL_KEY_BY_MODALITY.get(modality)]
    if earlier:
        keys.insert(0, FOLLOW_UP_KEY_BY_MODALITY.get(modality))
    active = list(list_active_templates(clinic=clinic, modality=modality))
    for key in keys:
        for template in active:
            if template.key == key:
                return template
    return active[0] if active else None
