"""Writes for supervised charting: who supervises whom, the supervisor's
co-signature of a signed note, and the clinic's charting policy.

Whether a note needs a co-signature is decided when it is signed
(`services.sign_note` names the signer's supervisor in `ClinicalNote.cosigner`,
in the same UPDATE that signs). The co-signature is then its own row: the
signed note never changes, and migration 0004's triggers refuse any UPDATE or
DELETE of a co-signature.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.charting.errors import (
    ChartPermissionError,
    CosignatureError,
    NotNamedSupervisorError,
    SupervisionError,
)
from practica.charting.models import (
    ChartingPolicy,
    ClinicalNote,
    NoteCosignature,
    Supervision,
)
from practica.tenancy.permissions import CHART_SIGN, CLINIC_MANAGE

if TYPE_CHECKING:
    from practica.scheduling.models import Provider
    from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

COMMENT_MAX = 2_000
MAX_UNSIGNED_NOTE_DAYS = 90


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise ChartPermissionError(f"Missing permission {permission}.")


def cosign_note(
    *, actor: Actor, note: ClinicalNote, comment: str = ""
) -> NoteCosignature:
    """Co-sign a supervised provider's signed note, as the supervisor named on
    it at signing, with an optional comment. Once only."""
    _require(actor, CHART_SIGN)
    if actor.user is None or actor.membership is None:
        raise ChartPermissionError("A note is co-signed by a person.")
    if note.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The note is not in this clinic.")
    cleaned = comment.strip()
    if len(cleaned) > COMMENT_MAX:
        raise CosignatureError(
            f"Comment: keep it under {COMMENT_MAX:,} characters.",
            field="comment",
            status=422,
        )
    with transaction.atomic():
        # The row lock serialises two co-signing requests; the one-to-one
        # column refuses a second co-signature whatever the path.
        locked = (
            ClinicalNote.objects.select_for_update(of=("self",))
            .select_related("cosigner")
            .get(pk=note.pk, clinic=actor.clinic)
        )
        if not locked.is_signed or locked.cosigner is None:
            raise CosignatureError("This note does not need a co-signature.")
        if NoteCosignature.objects.filter(note=locked).exists():
            raise CosignatureError("This note is already co-signed.")
        if locked.cosigner.membership_id != actor.membership.pk:
            raise NotNamedSupervisorError()
        try:
            with transaction.atomic():
                cosignature = NoteCosignature.objects.create(
                    clinic=actor.clinic,
                    note=locked,
                    supervisor=locked.cosigner,
                    signed_by=actor.user,
                    comment=cleaned,
                    signed_at=timezone.now(),
                )
        except IntegrityError as exc:
            raise CosignatureError("This note is already co-signed.") from exc
        record_change(
            actor=actor,
            action="cosign",
            obj=cosignature,
            patient_id=locked.patient_id,
            detail=f"note {locked.pk}",
        )
    logger.info("charting.note_cosigned", extra={"note_id": str(locked.pk)})
    return cosignature


def start_supervision(
    *, actor: Actor, supervisee: Provider, supervisor: Provider, kind: str
) -> Supervision:
    """Mark a provider as supervised: from now on the notes they sign await
    the supervisor's co-signature."""
    _require(actor, CLINIC_MANAGE)
    if kind not in Supervision.Kind.values:
        raise SupervisionError("Kind: choose one of the listed kinds.", field="kind")
    for provider, field in ((supervisee, "supervisee"), (supervisor, "supervisor")):
        if provider.clinic_id != actor.clinic.pk or not provider.is_active:
            raise SupervisionError(
                f"{field.capitalize()}: choose an active provider of this clinic.",
                field=field,
            )
    if supervisee.pk == supervisor.pk:
        raise SupervisionError(
            "Supervisor: a provider cannot supervise themselves.", field="supervisor"
        )
    with transaction.atomic():
        active = Supervision.objects.select_for_update().filter(
            clinic=actor.clinic, ended_at__isnull=True
        )
        if active.filter(supervisee=supervisee).exists():
            raise SupervisionError(
                "Supervised provider: already supervised; end that supervision first.",
                field="supervisee",
            )
        if active.filter(supervisee=supervisor).exists():
            raise SupervisionError(
                "Supervisor: is supervised themselves; choose a fully licensed "
                "provider.",
                field="supervisor",
            )
        if active.filter(supervisor=supervisee).exists():
            raise SupervisionError(
                "Supervised provider: supervises others; end those supervisions first.",
                field="supervisee",
            )
        try:
            with transaction.atomic():
                supervision = Supervision.objects.create(
                    clinic=actor.clinic,
                    supervisee=supervisee,
                    supervisor=supervisor,
                    kind=kind,
                )
        except IntegrityError as exc:
            # Another request supervised the same provider meanwhile.
            raise SupervisionError(
                "Supervised provider: already supervised; end that supervision first.",
                field="supervisee",
            ) from exc
        record_change(
            actor=actor,
            action="create",
            obj=supervision,
            patient_id=None,
            detail=f"provider {supervisee.pk} supervised by {supervisor.pk} ({kind})",
        )
    return supervision


def end_supervision(*, actor: Actor, supervision: Supervision) -> Supervision:
    """End a supervision. Notes already signed keep awaiting the co-signature
    of the supervisor they name."""
    _require(actor, CLINIC_MANAGE)
    if supervision.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The supervision is not in this clinic.")
    with transaction.atomic():
        locked = Supervision.objects.select_for_update().get(
            pk=supervision.pk, clinic=actor.clinic
        )
        if locked.ended_at is not None:
            raise SupervisionError(
                "This supervision has already ended.", field="supervision"
            )
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at", "updated_at"])
        record_change(actor=actor, action="end", obj=locked, patient_id=None)
    return locked


def save_charting_policy(*, actor: Actor, unsigned_note_days: int) -> ChartingPolicy:
    """Set after how many days an unsigned note is flagged (0 = never),
    creating the clinic's policy row on the first save."""
    _require(actor, CLINIC_MANAGE)
    if not 0 <= unsigned_note_days <= MAX_UNSIGNED_NOTE_DAYS:
        raise SupervisionError(
            f"Flag unsigned notes after: enter 0 to {MAX_UNSIGNED_NOTE_DAYS} days.",
            field="unsigned_note_days",
        )
    with transaction.atomic():
        policy, created = ChartingPolicy.objects.select_for_update().get_or_create(
            clinic=actor.clinic
        )
        before = policy.unsigned_note_days
        policy.unsigned_note_days = unsigned_note_days
        policy.save()
        record_change(
            actor=actor,
            action="create" if created else "update",
            obj=policy,
            patient_id=None,
            detail=f"unsigned_note_days={unsigned_note_days}"
            + ("" if created else f" (was {before})"),
        )
    return policy
