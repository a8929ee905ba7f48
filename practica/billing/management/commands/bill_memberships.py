"""Bill every due membership month of every clinic (or of one), once.

Safe to run as often as you like: a month already billed is skipped (a unique
period row), so a rerun after a failure bills only what is missing. A task
queue will call the same service later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from practica.billing.services.benefits import bill_memberships
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING_EDIT, BILLING_VIEW


class Command(BaseCommand):
    help = "Invoice the monthly fee of each membership month that has started."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="Only this clinic (its slug).")
        parser.add_argument(
            "--today", help="Bill as of this date (YYYY-MM-DD); default: today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2026-01-31.") from None
        clinics = Clinic.objects.order_by("pk")
        if options["clinic"]:
            clinics = clinics.filter(slug=options["clinic"])
            if not clinics.exists():
                raise CommandError("No clinic has that slug.")
        total = 0
        for clinic in clinics:
            actor = Actor.system(clinic, frozenset({BILLING_VIEW, BILLING_EDIT}))
            invoices = bill_memberships(actor=actor, today=today)
            total += len(invoices)
            if invoices:
                self.stdout.write(f"{clinic.slug}: {len(invoices)} invoice(s)")
        self.stdout.write(f"Membership months billed: {total}.")
