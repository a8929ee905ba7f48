"""Writes for note templates: create, save a new version, retire, reactivate;
and switch a draft note to another template.

A saved edit never changes a template row that notes may point at: it adds
version N+1 under the same key and deactivates the older versions, so notes
written with an older version still show its fields. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from practica.audit.services import record_change
from practica.charting.errors import (
    ChartPermissionError,
    InvalidNoteContentError,
    InvalidTemplateError,
    NoteLockedError,
    NoTemplateError,
    TemplateVersionConflictError,
)
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.note_fields import (
    TemplateField,
    is_blank,
    validate_template_fields,
)
from practica.scheduling.models import Modality
from practica.tenancy.permissions import CHART_EDIT, CLINIC_MANAGE

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

NAME_MAX = 120
KEY_MAX = 60


def _require(actor: Actor) -> None:
    if not actor.can(CLINIC_MANAGE):
        raise ChartPermissionError(f"Missing permission {CLINIC_MANAGE}.")


def _check(*, name: str, modality: str, fields: Sequence[TemplateField]) -> str:
    errors = []
    cleaned = name.strip()
    if not cleaned:
        errors.append("Name: write the template's name.")
    elif len(cleaned) > NAME_MAX:
        errors.append(f"Name: keep it under {NAME_MAX} characters.")
    if modality not in Modality.values:
        errors.append("Modality: choose one of the listed modalities.")
    errors += validate_template_fields(list(fields))
    if errors:
        raise InvalidTemplateError(errors)
    return cleaned


def _new_key(actor: Actor, name: str) -> str:
    base = (slugify(name) or "template")[: KEY_MAX - 4].strip("-") or "template"
    taken = set(
        NoteTemplate.objects.filter(
            clinic=actor.clinic, key__startswith=base
        ).values_list("key", flat=True)
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def create_template(
    *,
    actor: Actor,
    name: str,
    modality: str,
    fields: Sequence[TemplateField],
) -> NoteTemplate:
    """A new template (version 1, active) under a key made from its name."""
    _require(actor)
    cleaned = _check(name=name, modality=modality, fields=fields)
    with transaction.atomic():
        template = NoteTemplate.objects.create(
            clinic=actor.clinic,
            key=_new_key(actor, cleaned),
            version=1,
            name=cleaned,
            modality=modality,
            fields=list(fields),
            is_active=True,
        )
        record_change(
            actor=actor,
            action="create",
            obj=template,
            patient_id=None,
            detail=f"template {template.key} v1",
        )
    return template


def save_template_version(
    *,
    actor: Actor,
    template: NoteTemplate,
    name: str,
    modality: str,
    fields: Sequence[TemplateField],
) -> NoteTemplate:
    """Save an edit of `template` (the newest version of its key) as the next
    version, active; the older versions are deactivated and never change
    otherwise. Raises TemplateVersionConflictError when `template` is no
    longer the newest version."""
    _require(actor)
    if template.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The template is not in this clinic.")
    cleaned = _check(name=name, modality=modality, fields=fields)
    try:
        with transaction.atomic():
            versions = list(
                NoteTemplate.objects.select_for_update()
                .filter(clinic=actor.clinic, key=template.key)
                .order_by("-version")
            )
            newest = versions[0]
            if newest.pk != template.pk:
                raise TemplateVersionConflictError(
                    f"Version {newest.version} was saved meanwhile: "
                    "open it and make your change again."
                )
            NoteTemplate.objects.filter(
                clinic=actor.clinic, key=template.key, is_active=True
            ).update(is_active=False)
            created = NoteTemplate.objects.create(
                clinic=actor.clinic,
                key=template.key,
                version=newest.version + 1,
                name=cleaned,
                modality=modality,
                fields=list(fields),
                is_active=True,
            )
            record_change(
                actor=actor,
                action="update",
                obj=created,
                patient_id=None,
                detail=f"template {created.key} v{created.version}",
            )
    except IntegrityError:
        # Another request created the same version number first.
        raise TemplateVersionConflictError(
            "Another version was saved meanwhile: open it and make your change again."
        ) from None
    return created


def set_template_active(
    *, actor: Actor, template: NoteTemplate, is_active: bool
) -> NoteTemplate:
    """Retire (no new notes use it) or reactivate a template: acts on the
    newest version of its key; existing notes are untouched."""
    _require(actor)
    if template.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The template is not in this clinic.")
    with transaction.atomic():
        newest = (
            NoteTemplate.objects.select_for_update()
            .filter(clinic=actor.clinic, key=template.key)
            .order_by("-version")
            .first()
        )
        if newest is None:  # pragma: no cover - the template row itself exists
            raise ChartPermissionError("The template is not in this clinic.")
        if newest.is_active == is_active:
            return newest
        newest.is_active = is_active
        newest.save(update_fields=["is_active", "updated_at"])
        record_change(
            actor=actor,
            action="reactivate" if is_active else "retire",
            obj=newest,
            patient_id=None,
            detail=f"template {newest.key} v{newest.version}",
        )
    return newest


def change_note_template(
    *, actor: Actor, note: ClinicalNote, template: NoteTemplate
) -> ClinicalNote:
    """Switch a draft note to another active template of the clinic. Values
    of fields the new template also has (same name and type) are kept; a
    draft with entries the new template has no place for is refused, so
    nothing written is lost."""
    if not actor.can(CHART_EDIT):
        raise ChartPermissionError(f"Missing permission {CHART_EDIT}.")
    if template.clinic_id != actor.clinic.pk or not template.is_active:
        raise NoTemplateError("Choose an active template of this clinic.")
    with transaction.atomic():
        locked = (
            ClinicalNote.objects.select_for_update()
            .select_related("template")
            .get(pk=note.pk, clinic=actor.clinic)
        )
        if locked.is_signed:
            raise NoteLockedError()
        if locked.template_id == template.pk:
            return locked
        new = {f["name"]: f["type"] for f in template.fields}
        old = {f["name"]: f for f in locked.template.fields}
        kept = {
            name: value
            for name, value in locked.content.items()
            if name in old and new.get(name) == old[name]["type"]
        }
        lost = [
            old[name]["label"]
            for name, value in locked.content.items()
            if name in old and name not in kept and not is_blank(value)
        ]
        if lost:
            raise InvalidNoteContentError(
                {
                    "template": [
                        "Template: the other template has no place for "
                        f"{', '.join(lost)}. Clear these first, or keep this "
                        "template."
                    ]
                }
            )
        locked.template = template
        locked.content = kept
        locked.save(update_fields=["template", "content", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"template {template.key} v{template.version}",
        )
    return locked
