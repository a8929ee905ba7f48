"""The append-only, hash-chained audit trail.

Each clinic has its own chain: entry N stores the hash of entry N-1, and
`AuditChain` stores the newest sequence number and hash, so an entry altered,
removed or appended behind the application's back breaks verification
(`manage.py verify_audit`). The application never updates or deletes an entry;
database triggers refuse it too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from django.db import models


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit entries are append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit entries are append-only.")


class AuditChain(models.Model):
    """Head of one clinic's chain (chain 0 holds events outside any clinic)."""

    chain_key = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"chain {self.chain_key} at {self.last_seq}"


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    chain_key = models.BigIntegerField(db_index=True)
    seq = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)
    clinic_id = models.BigIntegerField(null=True, db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    user_email = models.CharField(max_length=254, blank=True)
    patient_id = models.UUIDField(null=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain_key", "seq"], name="audit_chain_seq")
        ]
        indexes = [models.Index(fields=["clinic_id", "at"], name="audit_clinic_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit entries are append-only.")

    def payload(self) -> str:
        fields = {
            "chain_key": self.chain_key,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "clinic_id": self.clinic_id,
            "user_id": self.user_id,
            "user_email": self.user_email,
            "patient_id": str(self.patient_id) if self.patient_id else None,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "outcome": self.outcome,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()
