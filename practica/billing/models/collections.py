"""Collections: the clinic's steps for chasing overdue invoices, and a record
of each step taken for each invoice.

A step says "when an invoice is N days overdue, do X" (send a reminder, a
second notice, give staff a task, put a write-off up for review). The daily
run (`run_collections`) takes at most one step per invoice per run and writes
a `CollectionRecord` for it; the record's uniqueness on (step, invoice) is what
makes the run idempotent. Records of staff tasks and write-off reviews are the
collections worklist until the worklist app exists.
"""

from __future__ import annotations

import uuid

from django.db import models

from practica.billing.models.invoices import Invoice
from practica.tenancy.models import TenantModel


class CollectionStep(TenantModel):
    class Action(models.TextChoices):
        REMINDER_EMAIL = "reminder_email", "Reminder email"
        SECOND_NOTICE_EMAIL = "second_notice_email", "Second notice email"
        STAFF_TASK = "staff_task", "Task for staff"
        WRITE_OFF_REVIEW = "write_off_review", "Write-off review"

    EMAIL_ACTIONS = (Action.REMINDER_EMAIL, Action.SECOND_NOTICE_EMAIL)

    position = models.PositiveSmallIntegerField()
    days_overdue = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_overdue__gt=0),
                name="collection_step_days_positive",
            ),
            models.UniqueConstraint(
                fields=["clinic", "days_overdue"],
                name="collection_step_days_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days_overdue} days: {self.action}"


class CollectionRecord(TenantModel):
    """One step taken for one invoice. Email steps are done when written;
    staff tasks and write-off reviews stay open on the worklist until done."""

    class Outcome(models.TextChoices):
        SENT = "sent", "Email sent"
        NOT_SENT = "not_sent", "Email not sent"
        OPEN = "open", "To do"
        DONE = "done", "Done"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Kept when a step is removed from the settings: the record stays as history
    # and carries its own copy of what was done.
    step = models.ForeignKey(
        CollectionStep,
        on_delete=models.SET_NULL,
        null=True,
        related_name="records",
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="collection_records"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=CollectionStep.Action.choices)
    days_overdue = models.PositiveSmallIntegerField()
    run_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.CharField(max_length=200, blank=True)
    assigned_to = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-run_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "invoice"], name="collection_record_once_per_step"
            )
        ]
        indexes = [
            models.Index(
                fields=["clinic", "outcome", "run_on"], name="collection_worklist_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.run_on}"

    @property
    def is_task(self) -> bool:
        return self.outcome in (self.Outcome.OPEN, self.Outcome.DONE)
