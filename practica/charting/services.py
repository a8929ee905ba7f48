"""Writes for clinical notes: templates, drafts, signing and addenda.

A signed note never changes. These services refuse it; migration 0002's
triggers refuse it in the database as well, whatever path a write takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.charting.errors import (
    AppointmentNotChartableError,
    ChartPermissionError,
    CopyForwardError,
    InvalidAddendumError,
    InvalidNoteContentError,
    MissingRequiredFieldsError,
    NoteLockedError,
    NoTemplateError,
    NoteNotSignedError,
)
from practica.charting.forms import ADDENDUM_MAX, NoteContentForm
from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.charting.note_fields import (
    ContentValue,
    TemplateField,
    clean_value,
    is_blank,
    missing_required,
)
from practica.charting.selectors_notes import find_copy_source, get_active_supervisor
from practica.charting.selectors_templates import default_template_for
from practica.charting.shipped_templates import (
    SHIPPED_KEY_BY_MODALITY,
    SHIPPED_TEMPLATES,
)
from practica.scheduling.models import Appointment
from practica.scheduling.services import set_status
from practica.tenancy.permissions import CHART_EDIT, CHART_SIGN

if TYPE_CHECKING:
    import uuid

    from practica.tenancy.actor import Actor
    from practica.tenancy.models import Clinic


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise ChartPermissionError(f"Missing permission {permission}.")


def ensure_shipped_templates(*, clinic: Clinic) -> list[NoteTemplate]:
    """Install version 1 of each shipped template the clinic lacks (idempotent).

    Returns the version-1 rows of every shipped key, in catalogue order.
    """
    installed = []
    with transaction.atomic():
        for shipped in SHIPPED_TEMPLATES:
            template, _ = NoteTemplate.objects.get_or_create(
                clinic=clinic,
                key=shipped.key,
                version=1,
                defaults={
                    "name": shipped.name,
                    "modality": shipped.modality,
                    "fields": list(shipped.fields),
                },
            )
            installed.append(template)
    return installed


def _default_template(
    *,
    clinic: Clinic,
    modality: str,
    patient_id: uuid.UUID,
    appointment_id: uuid.UUID | None,
) -> NoteTemplate:
    """The initial-assessment template for the patient's first note of the
    modality, the follow-up template after (`selectors_templates`)."""
    template = default_template_for(
        clinic=clinic,
        modality=modality,
        patient_id=patient_id,
        appointment_id=appointment_id,
    )
    if template is None and modality in SHIPPED_KEY_BY_MODALITY:
        ensure_shipped_templates(clinic=clinic)
        template = default_template_for(
            clinic=clinic,
            modality=modality,
            patient_id=patient_id,
            appointment_id=appointment_id,
        )
    if template is None:
        raise NoTemplateError("No active note template fits this appointment type.")
    return template


def start_note(
    *,
    actor: Actor,
    appointment: Appointment,
    template: NoteTemplate | None = None,
) -> ClinicalNote:
    """Open the appointment's note, creating a draft if it has none yet.

    The template defaults to the clinic's shipped template for the modality of
    the appointment type. The note's provider is the appointment's provider.
    """
    _require(actor, CHART_EDIT)
    if appointment.clinic_id != actor.clinic.pk:
        raise AppointmentNotChartableError("The appointment is not in this clinic.")
    existing = ClinicalNote.objects.filter(
        clinic=actor.clinic, appointment=appointment
    ).first()
    if existing is not None:
        return existing
    if appointment.status in Appointment.RELEASING:
        raise AppointmentNotChartableError(
            "A cancelled or no-show appointment cannot have a treatment note."
        )
    patient_id = appointment.patient_id
    if patient_id is None:
        raise AppointmentNotChartableError(
            "A class has no single patient: chart each attendee's visit."
        )
    if template is None:
        template = _default_template(
            clinic=actor.clinic,
            modality=appointment.appointment_type.modality,
            patient_id=patient_id,
            appointment_id=appointment.pk,
        )
    elif template.clinic_id != actor.clinic.pk or not template.is_active:
        raise NoTemplateError("Choose an active template of this clinic.")
    try:
        with transaction.atomic():
            note = ClinicalNote.objects.create(
                clinic=actor.clinic,
                patient_id=patient_id,
                appointment=appointment,
                provider_id=appointment.provider_id,
                template=template,
                content={},
            )
            record_change(
                actor=actor, action="create", obj=note, patient_id=note.patient_id
            )
    except IntegrityError:
        # Another request started the same appointment's note first.
        return ClinicalNote.objects.get(clinic=actor.clinic, appointment=appointment)
    return note


def _validated_content(
    *, note: ClinicalNote, content: Mapping[str, object]
) -> dict[str, ContentValue]:
    form = NoteContentForm(fields=note.template.fields, data=content)
    known = set(form.fields)
    unknown = sorted(set(content) - known)
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["__all__"] = [f"Unknown fields for this template: {', '.join(unknown)}."]
    if not form.is_valid():
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            errors[name] = [f"{label}: {error}" for error in field_errors]
    if errors:
        raise InvalidNoteContentError(errors)
    return {name: value for name, value in form.content().items() if name in content}


def _lock_draft(*, actor: Actor, note: ClinicalNote) -> ClinicalNote:
    """Re-read the note under a row lock; refuse if it is signed."""
    if note.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The note is not in this clinic.")
    locked = (
        ClinicalNote.objects.select_for_update()
        .select_related("template")
        .get(pk=note.pk, clinic=actor.clinic)
    )
    if locked.is_signed:
        raise NoteLockedError()
    return locked


def save_draft(
    *, actor: Actor, note: ClinicalNote, content: Mapping[str, object]
) -> ClinicalNote:
    """Store the given field values on a draft note (fields not given keep
    their value)."""
    _require(actor, CHART_EDIT)
    with transaction.atomic():
        locked = _lock_draft(actor=actor, note=note)
        values = _validated_content(note=locked, content=content)
        locked.content = {**locked.content, **values}
        locked.save(update_fields=["content", "updated_at"])
        record_change(
            actor=actor, action="update", obj=locked, patient_id=locked.patient_id
        )
    note.content = locked.content
    note.updated_at = locked.updated_at
    return locked


def sign_note(
    *,
    actor: Actor,
    note: ClinicalNote,
    content: Mapping[str, object] | None = None,
) -> ClinicalNote:
    """Sign and lock a draft. `content`, when given, is saved first in the same
    transaction (the form on screen may hold changes autosave has not sent)."""
    _require(actor, CHART_SIGN)
    if actor.user is None:
        raise ChartPermissionError("A note is signed by a person.")
    with transaction.atomic():
        locked = _lock_draft(actor=actor, note=note)
        if content is not None:
            values = _validated_content(note=locked, content=content)
            locked.content = {**locked.content, **values}
        missing = missing_required(locked.template.fields, locked.content)
        if missing:
            raise MissingRequiredFieldsError(missing)
        locked.status = ClinicalNote.Status.SIGNED
        locked.signed_at = timezone.now()
        locked.signed_by = actor.user
        # A supervised signer's note awaits their supervisor's co-signature;
        # decided now, in the UPDATE that signs, since the row never changes again.
        locked.cosigner = get_active_supervisor(actor=actor)
        locked.save(
            update_fields=[
                "content",
                "status",
                "signed_at",
                "signed_by",
                "cosigner",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="sign",
            obj=locked,
            patient_id=locked.patient_id,
            detail=(
                f"awaiting co-signature by provider {locked.cosigner.pk}"
                if locked.cosigner is not None
                else ""
            ),
        )
        _complete_visit(actor=actor, note=locked)
    return locked


def _complete_visit(*, actor: Actor, note: ClinicalNote) -> None:
    """Signing the note of a visit in progress (arrived, or in session)
    completes the visit, so the front desk sees it ready to invoice."""
    appointment = note.appointment
    in_progress = (Appointment.Status.ARRIVED, Appointment.Status.IN_SESSION)
    if appointment is not None and appointment.status in in_progress:
        set_status(
            actor=actor, appointment=appointment, status=Appointment.Status.COMPLETED
        )


def add_addendum(*, actor: Actor, note: ClinicalNote, text: str) -> NoteAddendum:
    """Add a signed correction or addition below a signed note."""
    _require(actor, CHART_EDIT)
    if actor.user is None:
        raise ChartPermissionError("An addendum is written by a person.")
    if note.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The note is not in this clinic.")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidAddendumError("Write the addendum text.")
    if len(cleaned) > ADDENDUM_MAX:
        raise InvalidAddendumError(
            f"Keep the addendum under {ADDENDUM_MAX:,} characters."
        )
    with transaction.atomic():
        current = ClinicalNote.objects.get(pk=note.pk, clinic=actor.clinic)
        if not current.is_signed:
            raise NoteNotSignedError()
        addendum = NoteAddendum.objects.create(
            clinic=actor.clinic,
            note=current,
            author=actor.user,
            text=cleaned,
            signed_at=timezone.now(),
        )
        record_change(
            actor=actor, action="addendum", obj=addendum, patient_id=note.patient_id
        )
    return addendum


# --- Copy forward ---------------------------------------------------------------


@dataclass(frozen=True)
class CopyForwardResult:
    note: ClinicalNote
    source: ClinicalNote
    copied: list[str]  # labels of the fields filled from the source
    kept: list[str]  # labels of typed fields left as typed (they differ)


class _StoredValue:
    """One stored value, read by `clean_value` as if it had been posted."""

    def __init__(self, name: str, value: object) -> None:
        self._name = name
        self._value = value

    def get(self, key: str, default: object = None, /) -> object:
        return self._value if key == self._name else default

    def __contains__(self, key: object, /) -> bool:
        return key == self._name


def _carried_value(field: TemplateField, value: object) -> ContentValue | None:
    """The source value validated against this version's field (its options,
    table rows and columns, limits); None when it no longer fits or is empty."""
    try:
        cleaned = clean_value(field, _StoredValue(field["name"], value))
    except ValidationError:
        return None
    return None if is_blank(cleaned) else cleaned


def copy_forward(
    *,
    actor: Actor,
    note: ClinicalNote,
    content: Mapping[str, object] | None = None,
    replace_typed: bool = False,
) -> CopyForwardResult:
    """Fill a draft's empty fields from the patient's most recent signed note
    of the same template key (any version): only fields whose name and type
    still exist, with values that still fit. `content`, when given, is saved
    first (what the form on screen holds). Typed fields are kept unless
    `replace_typed` (the provider confirmed)."""
    _require(actor, CHART_EDIT)
    with transaction.atomic():
        locked = _lock_draft(actor=actor, note=note)
        if content is not None:
            values = _validated_content(note=locked, content=content)
            locked.content = {**locked.content, **values}
        source = find_copy_source(actor=actor, note=locked)
        if source is None:
            raise CopyForwardError(
                "There is no earlier signed note of this template to copy from."
            )
        source_types = {f["name"]: f["type"] for f in source.template.fields}
        merged = dict(locked.content)
        copied: list[str] = []
        kept: list[str] = []
        for field in locked.template.fields:
            name = field["name"]
            if source_types.get(name) != field["type"]:
                continue
            value = _carried_value(field, source.content.get(name))
            if value is None or merged.get(name) == value:
                continue
            if not is_blank(merged.get(name)) and not replace_typed:
                kept.append(field["label"])
                continue
            merged[name] = value
            copied.append(field["label"])
        locked.content = merged
        locked.save(update_fields=["content", "updated_at"])
        record_change(
            actor=actor,
            action="copy_forward",
            obj=locked,
            patient_id=locked.patient_id,
            detail=(
                f"from note {source.pk}: copied {len(copied)}, kept {len(kept)}"
                + (" (replacing typed fields)" if replace_typed else "")
            ),
        )
    note.content = locked.content
    note.updated_at = locked.updated_at
    return CopyForwardResult(note=locked, source=source, copied=copied, kept=kept)
