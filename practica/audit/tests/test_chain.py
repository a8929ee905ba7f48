"""The audit trail is append-only and any tampering breaks its hash chain."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from practica.audit.models import AuditEntry
from practica.audit.selectors import verify_chains
from practica.audit.services import record_change, record_view
from practica.core.db_ops import immutable_rows_sql
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


def _trail(actor: Actor, clinic: Clinic, n: int) -> list[AuditEntry]:
    return [
        record_change(actor=actor, action="update", obj=clinic, patient_id=None)
        for _ in range(n)
    ]


def _bypass_triggers_sql(sql: str, params: list[object]) -> None:
    """Tamper as someone with direct database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")
            cursor.execute(sql, params)
            for statement in immutable_rows_sql("audit_auditentry")["sqlite"]:
                cursor.execute(statement)


def test_entries_chain_and_verify(system_actor: Actor, clinic: Clinic) -> None:
    # given
    entries = _trail(system_actor, clinic, 3)
    # when
    problems = verify_chains()
    # then
    assert problems == []
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


def test_each_clinic_has_its_own_chain(
    system_actor: Actor, clinic: Clinic, other_clinic: Clinic
) -> None:
    other = Actor.system(other_clinic, frozenset())
    first = record_view(actor=system_actor, obj=clinic, patient_id=None)
    second = record_view(actor=other, obj=other_clinic, patient_id=None)
    assert (first.chain_key, first.seq) == (clinic.pk, 1)
    assert (second.chain_key, second.seq) == (other_clinic.pk, 1)


def test_altered_entry_is_detected(system_actor: Actor, clinic: Clinic) -> None:
    entries = _trail(system_actor, clinic, 3)
    _bypass_triggers_sql(
        "UPDATE audit_auditentry SET action = %s WHERE id = %s",
        ["view", entries[1].pk],
    )
    problems = verify_chains()
    assert [(p.seq, p.problem) for p in problems] == [(2, "entry altered")]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit")


def test_removed_entry_is_detected(system_actor: Actor, clinic: Clinic) -> None:
    entries = _trail(system_actor, clinic, 3)
    _bypass_triggers_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    problems = verify_chains()
    assert [(p.seq, p.problem) for p in problems] == [
        (2, "entry missing"),
        (3, "link to previous entry broken"),
    ]


def test_removed_newest_entry_is_detected(system_actor: Actor, clinic: Clinic) -> None:
    entries = _trail(system_actor, clinic, 3)
    _bypass_triggers_sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    problems = verify_chains()
    assert [(p.seq, p.problem) for p in problems] == [(3, "newest entries missing")]


def test_verify_command_reports_intact_trail(
    system_actor: Actor, clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _trail(system_actor, clinic, 2)
    call_command("verify_audit")
    assert "Audit trail intact: 2 entries verified." in capsys.readouterr().out


def test_application_cannot_update_or_delete(
    system_actor: Actor, clinic: Clinic
) -> None:
    entry = _trail(system_actor, clinic, 1)[0]
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_database_refuses_update(system_actor: Actor, clinic: Clinic) -> None:
    entry = _trail(system_actor, clinic, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    assert verify_chains() == []
