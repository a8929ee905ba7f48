"""Recording audit entries. Services call `record_change`; selectors that read
health information call `record_view`; access checks call `record_denied`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from practica.audit.models import AuditChain, AuditEntry

if TYPE_CHECKING:
    from practica.accounts.models import User
    from practica.tenancy.actor import Actor


def _append(
    *,
    clinic_id: int | None,
    user: User | None,
    action: str,
    outcome: str,
    patient_id: uuid.UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    ip: str = "",
    user_agent: str = "",
    detail: str = "",
) -> AuditEntry:
    chain_key = clinic_id or 0
    with transaction.atomic():
        chain, _ = AuditChain.objects.select_for_update().get_or_create(
            chain_key=chain_key
        )
        entry = AuditEntry(
            chain_key=chain_key,
            seq=chain.last_seq + 1,
            at=timezone.now(),
            clinic_id=clinic_id,
            user_id=user.pk if user else None,
            user_email=user.email if user else "",
            patient_id=patient_id,
            object_type=object_type[:60],
            object_id=object_id[:64],
            action=action[:40],
            outcome=outcome,
            ip=ip[:45],
            user_agent=user_agent[:300],
            detail=detail[:200],
            prev_hash=chain.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChain.objects.filter(pk=chain.pk).update(
            last_seq=entry.seq, last_hash=entry.hash
        )
    return entry


def _describe(obj: Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record_view(
    *, actor: Actor, obj: Model | None, patient_id: uuid.UUID | None, detail: str = ""
) -> AuditEntry:
    object_type, object_id = _describe(obj)
    return _append(
        clinic_id=actor.clinic.pk,
        user=actor.user,
        action="view",
        outcome=AuditEntry.Outcome.ALLOWED,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        ip=actor.ip,
        user_agent=actor.user_agent,
        detail=detail,
    )


def record_change(
    *,
    actor: Actor,
    action: str,
    obj: Model,
    patient_id: uuid.UUID | None,
    detail: str = "",
) -> AuditEntry:
    object_type, object_id = _describe(obj)
    return _append(
        clinic_id=actor.clinic.pk,
        user=actor.user,
        action=action,
        outcome=AuditEntry.Outcome.ALLOWED,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        ip=actor.ip,
        user_agent=actor.user_agent,
        detail=detail,
    )


def record_denied(
    *, actor: Actor, object_type: str, object_id: str = "", detail: str = ""
) -> AuditEntry:
    return _append(
        clinic_id=actor.clinic.pk,
        user=actor.user,
        action="access",
        outcome=AuditEntry.Outcome.DENIED,
        object_type=object_type,
        object_id=object_id,
        ip=actor.ip,
        user_agent=actor.user_agent,
        detail=detail,
    )


def record_auth_event(
    *,
    user: User | None,
    clinic_id: int | None,
    action: str,
    outcome: str,
    ip: str,
    user_agent: str,
    detail: str = "",
) -> AuditEntry:
    return _append(
        clinic_id=clinic_id,
        user=user,
        action=action,
        outcome=outcome,
        object_type="accounts.user" if user else "",
        object_id=str(user.pk) if user else "",
        ip=ip,
        user_agent=user_agent,
        detail=detail,
    )
