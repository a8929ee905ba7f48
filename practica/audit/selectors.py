from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from practica.audit.models import AuditChain, AuditEntry

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor


def list_entries(
    *,
    actor: Actor,
    patient_id: uuid.UUID | None = None,
    user_id: int | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(clinic_id=actor.clinic.pk)
    if patient_id is not None:
        entries = entries.filter(patient_id=patient_id)
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    if start_on is not None:
        entries = entries.filter(
            at__gte=datetime.combine(
                start_on, time.min, tzinfo=timezone.get_current_timezone()
            )
        )
    if end_on is not None:
        end = datetime.combine(
            end_on + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-seq")


@dataclass(frozen=True)
class ChainProblem:
    chain_key: int
    seq: int
    problem: str


def verify_chains() -> list[ChainProblem]:
    """Recompute every chain; report each altered, missing or extra entry."""
    problems: list[ChainProblem] = []
    heads = {c.chain_key: c for c in AuditChain.objects.all()}
    keys = set(heads) | set(
        AuditEntry.objects.values_list("chain_key", flat=True).distinct()
    )
    for key in sorted(keys):
        expected_seq = 1
        prev_hash = ""
        rows = (
            AuditEntry.objects.filter(chain_key=key)
            .order_by("seq")
            .iterator(chunk_size=2000)
        )
        for entry in rows:
            if entry.seq != expected_seq:
                problems.append(ChainProblem(key, expected_seq, "entry missing"))
            if entry.prev_hash != prev_hash:
                problems.append(
                    ChainProblem(key, entry.seq, "link to previous entry broken")
                )
            if entry.compute_hash() != entry.hash:
                problems.append(ChainProblem(key, entry.seq, "entry altered"))
            prev_hash = entry.hash
            expected_seq = entry.seq + 1
        head = heads.get(key)
        if head is None:
            problems.append(ChainProblem(key, expected_seq, "chain head missing"))
        elif head.last_seq != expected_seq - 1 or head.last_hash != prev_hash:
            problems.append(ChainProblem(key, head.last_seq, "newest entries missing"))
    return problems
