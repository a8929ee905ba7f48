"""Load the demo clinic, Maple Physio & Wellness, with synthetic data.

Idempotent: when the clinic exists, the command only prints the log-ins.
"""

from __future__ import annotations

import dataclasses
import time
import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from practica.demo.billing import seed_billing
from practica.demo.chart import seed_chart
from practica.demo.generator import (
    DEMO_PASSWORD,
    TIMEZONE,
    ClinicSpec,
    StaffLogin,
    clinic_logins,
    generate_clinic,
)
from practica.demo.scheduling import seed_scheduling
from practica.tenancy.models import Clinic

DEMO_SPEC = ClinicSpec(
    name="Maple Physio & Wellness",
    slug="maple-physio",
    email_domain="maple.example",
    patients=500,
    providers=5,
    days_back=90,
    days_ahead=28,
    seed=2026,
)


class Command(BaseCommand):
    help = "Load the Maple Physio & Wellness demo clinic (synthetic data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patients",
            type=int,
            default=DEMO_SPEC.patients,
            help="Number of patients (default %(default)s).",
        )
        parser.add_argument(
            "--days-back",
            type=int,
            default=DEMO_SPEC.days_back,
            help="Days of past appointments (default %(default)s).",
        )
        parser.add_argument(
            "--days-ahead",
            type=int,
            default=DEMO_SPEC.days_ahead,
            help="Days of booked appointments ahead (default %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Clinic.objects.filter(slug=DEMO_SPEC.slug).first()
        if existing is not None:
            self.stdout.write("The demo clinic is already loaded.")
            self._print_logins(clinic_logins(existing))
            return
        started = time.perf_counter()
        spec = dataclasses.replace(
            DEMO_SPEC,
            patients=options["patients"],
            days_back=options["days_back"],
            days_ahead=options["days_ahead"],
        )
        result = generate_clinic(spec)
        today = timezone.localdate(timezone.now(), zoneinfo.ZoneInfo(TIMEZONE))
        extras = seed_scheduling(result.clinic, today=today)
        extras.update(seed_chart(result.clinic, today=today))
        extras.update(seed_billing(result.clinic, today=today))
        elapsed = time.perf_counter() - started
        counts = {**result.counts, **extras}
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {spec.name} in {elapsed:.1f} s: {summary}.")
        )
        self._print_logins(result.logins)

    def _print_logins(self, logins: tuple[StaffLogin, ...]) -> None:
        self.stdout.write(f"Demo log-ins (password: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<36} {login.email}")
