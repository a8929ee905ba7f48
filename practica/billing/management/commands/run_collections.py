"""The daily collections run, for cron until the task queue exists (it will
call the same service from a periodic task)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.billing.selectors_ar import clinic_today
from practica.billing.services_receivables import run_collections
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS


class Command(BaseCommand):
    help = "Take each overdue invoice's due collection step (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="Only this clinic's slug.")
        parser.add_argument(
            "--date", help="Run as of this date (YYYY-MM-DD); default today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.order_by("pk")
        if options["clinic"]:
            clinics = clinics.filter(slug=options["clinic"])
            if not clinics.exists():
                raise CommandError("No clinic has that slug.")
        day: dt.date | None = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Give the date as YYYY-MM-DD.") from None
        for clinic in clinics:
            actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
            run = run_collections(actor=actor, today=day or clinic_today(actor))
            self.stdout.write(
                f"clinic {clinic.pk}: {run.invoices_checked} overdue, "
                f"{run.emails_sent} emailed, {run.emails_not_sent} not emailed, "
                f"{run.tasks_created} tasks, {run.already_done} already done"
            )
