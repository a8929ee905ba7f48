"""A submitted form cannot change by any path: the ORM refuses, and the
database triggers refuse raw SQL (UPDATE on both databases; DELETE on
PostgreSQL, while SQLite leaves DELETE to the ORM guard for the test
runner's flush, as every immutable table here does)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from practica.intake.models import (
    FormDefinition,
    FormSubmission,
    MappingDecision,
    SubmissionSupersession,
)
from practica.intake.tests.factories import (
    FormDefinitionFactory,
    FormSubmissionFactory,
)
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[object]) -> type[Exception] | None:
    """Run `sql` in a savepoint; the exception class it raised, if any."""
    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            raised: type[Exception] | None = None
        except DatabaseError as exc:
            raised = type(exc)
        transaction.savepoint_rollback(sid)
    return raised


def test_orm_cannot_update_a_submission(clinic: Clinic) -> None:
    # given
    submission = FormSubmissionFactory(clinic=clinic)
    submission.answers = {"reason": "changed"}
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        submission.save()
    assert FormSubmission.objects.get(pk=submission.pk).answers["reason"] == (
        "Sore knee"
    )


def test_orm_cannot_delete_a_submission(clinic: Clinic) -> None:
    submission = FormSubmissionFactory(clinic=clinic)
    with pytest.raises(IntegrityError):
        submission.delete()
    with pytest.raises(IntegrityError):
        FormSubmission.objects.filter(pk=submission.pk).delete()
    assert FormSubmission.objects.filter(pk=submission.pk).exists()


@pytest.mark.parametrize(
    "table",
    [
        "intake_formsubmission",
        "intake_submissionsupersession",
        "intake_mappingdecision",
    ],
)
def test_raw_sql_update_is_refused(clinic: Clinic, table: str) -> None:
    # given a row in each immutable table
    old = FormSubmissionFactory(clinic=clinic)
    new = FormSubmissionFactory(
        clinic=clinic, patient=old.patient, definition=old.definition
    )
    SubmissionSupersession.objects.create(
        clinic=clinic, submission=old, superseded_by=new, reason="Corrected"
    )
    MappingDecision.objects.create(
        clinic=clinic,
        submission=old,
        proposal_key="allergies:0",
        target="allergy",
        decision=MappingDecision.Decision.DISMISSED,
    )
    # when / then
    raised = _raw(f"UPDATE {table} SET updated_at = updated_at", [])
    assert raised is not None


def test_raw_sql_delete_of_a_submission(clinic: Clinic) -> None:
    FormSubmissionFactory(clinic=clinic)
    raised = _raw("DELETE FROM intake_formsubmission", [])
    # PostgreSQL's trigger refuses it; SQLite's leaves it to the ORM guard.
    assert (raised is not None) == (connection.vendor == "postgresql")


def test_a_form_version_cannot_be_rewritten_but_can_be_retired(
    clinic: Clinic,
) -> None:
    # given
    definition = FormDefinitionFactory(clinic=clinic)
    # when: changing its questions is refused
    raised = _raw(
        "UPDATE intake_formdefinition SET title = %s WHERE id = %s",
        ["Another title", definition.pk],
    )
    # then
    assert raised is not None
    FormDefinition.objects.filter(pk=definition.pk).update(is_active=False)
    assert FormDefinition.objects.get(pk=definition.pk).is_active is False
