"""Time the hot pages against a generated bench database.

    .venv/bin/python bench/run.py --database postgres --pg-name practica_bench

For each page: median and p95 server time (around the test client call, no
network) and the number of SQL queries. A page whose URL does not resolve yet
is reported as not available. Run bench/generate.py first.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generate import BENCH_SLUG, ROOT, configure, say

if TYPE_CHECKING:
    from django.test import Client

    from practica.patients.models import Patient
    from practica.tenancy.models import Location, Membership


@dataclass(frozen=True)
class Result:
    page: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: tuple[int, ...] = ()
    note: str = ""
    # This process's CPU time (median): on a shared machine the wall time
    # carries other processes' load, the CPU time much less so.
    cpu_ms: float | None = None

    def row(self) -> str:
        if self.median_ms is None or self.p95_ms is None:
            return f"| {self.page} | - | - | - | {self.note} |"
        low, high = min(self.queries), max(self.queries)
        counted = str(low) if low == high else f"{low}-{high}"
        note = self.note
        if self.cpu_ms is not None:
            note = "; ".join(filter(None, [f"CPU {self.cpu_ms:.1f} ms", note]))
        return (
            f"| {self.page} | {self.median_ms:.1f} | {self.p95_ms:.1f} | {counted} "
            f"| {note} |"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-name", default="practica_bench")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench.sqlite3"))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--only",
        choices=("all", "scheduling", "chart", "billing"),
        default="all",
        help="'scheduling': only the availability engine and the day view;"
        " 'chart': only the clinical chart pages; 'billing': AR aging, monthly"
        " revenue, invoice from a note and the daily close.",
    )
    return parser.parse_args()


# Calls whose queries are counted after the timed ones (their range is shown).
QUERY_COUNT_CALLS = 5


def p95(values: list[float]) -> float:
    if len(values) < 20:
        return max(values)
    return statistics.quantiles(values, n=20)[18]


def measure(page: str, call: Callable[[int], int], repeat: int) -> Result:
    """Call once to warm caches, then `repeat` timed calls, then a few more to
    count queries; `call` returns a status.

    The timed calls run without capturing queries (which wraps every cursor
    and formats every statement) and with DEBUG off, as in production."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = call(-1)
    if status >= 400:
        return Result(page, note=f"HTTP {status}")
    times: list[float] = []
    cpu: list[float] = []
    for i in range(repeat):
        started = time.perf_counter()
        cpu_started = time.process_time()
        status = call(i)
        cpu.append((time.process_time() - cpu_started) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        if status >= 400:
            return Result(page, note=f"HTTP {status} on repeat {i}")
    queries: list[int] = []
    for i in range(min(repeat, QUERY_COUNT_CALLS)):
        with CaptureQueriesContext(connection) as captured:
            call(i)
        queries.append(len(captured.captured_queries))
    return Result(
        page,
        statistics.median(times),
        p95(times),
        tuple(queries),
        cpu_ms=statistics.median(cpu),
    )


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def with_typo(name: str) -> str:
    """Swap two adjacent letters in the middle: 'Tremblay' -> 'Tremlbay'."""
    middle = len(name) // 2
    return name[: middle - 1] + name[middle] + name[middle - 1] + name[middle + 1 :]


def main() -> int:  # one linear script, page by page
    args = parse_args()
    # Time as production runs: DEBUG off (no SQL kept per query), with a
    # throwaway key; plain HTTP through the test client.
    os.environ.setdefault("PRACTICA_DEBUG", "0")
    os.environ.setdefault("PRACTICA_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault(
        "PRACTICA_DOCUMENT_KEYS", "bench:YmVuY2gtb25seS1kb2N1bWVudC1rZXktMzItYnl0ZSE="
    )
    os.environ.setdefault("PRACTICA_SECURE", "0")
    configure(args)
    import django

    django.setup()
    from bench_fixtures import actor_for, fresh_signed_notes, owner_provider
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from practica.patients.models import Patient
    from practica.scheduling.models import Appointment
    from practica.tenancy.models import Clinic, Location

    # Not setup_test_environment(): it instruments every template render so
    # the test client can keep each context, which production never pays.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clinic = Clinic.objects.filter(slug=BENCH_SLUG).first()
    if clinic is None:
        say("No bench clinic: run bench/generate.py first.")
        return 1
    membership = owner_provider(clinic)
    client = Client()
    client.force_login(membership.user)
    location = Location.objects.for_clinic(clinic).order_by("pk").first()
    assert location is not None
    tz = location.tz
    now = datetime.datetime.now(datetime.UTC)
    busiest = (
        Appointment.objects.for_clinic(clinic)
        .filter(location=location, start_at__lt=now)
        .values_list("start_at", flat=True)
        .order_by("-start_at")[:2000]
    )
    per_day: dict[datetime.date, int] = {}
    for start in busiest:
        local_day = start.astimezone(tz).date()
        per_day[local_day] = per_day.get(local_day, 0) + 1
    busy_day = max(per_day, key=lambda d: per_day[d])
    week_start = busy_day - datetime.timedelta(days=busy_day.weekday())
    patient = (
        Patient.objects.for_clinic(clinic)
        .annotate(visits=Count("appointments"))
        .order_by("-visits", "pk")
        .first()
    )
    assert patient is not None
    query = f"{patient.first_name} {with_typo(patient.last_name)}"
    say(
        f"clinic {clinic.slug}: {Patient.objects.for_clinic(clinic).count()} patients,"
        f" {Appointment.objects.for_clinic(clinic).count()} appointments;"
        f" week of {week_start}, search {query!r}, timeline of a patient with"
        f" {patient.visits} visits"  # type: ignore[attr-defined]
    )

    results: list[Result] = []

    def get(path: str, **headers: str) -> Callable[[int], int]:
        return lambda _i: client.get(path, **headers).status_code

    if args.only == "billing":
        results.extend(billing_pages(client, membership, location, repeat=args.repeat))
        return report(results)
    if args.only == "chart":
        results.extend(chart_pages(client, membership, patient, repeat=args.repeat))
        return report(results)
    results.extend(
        scheduling_pages(
            client, membership, location, busy_day=busy_day, repeat=args.repeat
        )
    )
    if args.only == "scheduling":
        return report(results)
    results.extend(chart_pages(client, membership, patient, repeat=args.repeat))

    week = f"/schedule/?view=week&date={week_start}&location={location.pk}"
    pages = [
        ("Calendar, week, all providers", week, {}),
        ("Patient search (typo)", f"/patients/?q={query}", {}),
        (
            "Patient search, htmx partial",
            f"/patients/?q={query}",
            {"HTTP_HX_REQUEST": "true"},
        ),
        ("Patient timeline", f"/reports/patients/{patient.pk}/timeline/", {}),
    ]
    for page, path, headers in pages:
        if not resolves(path.split("?")[0]):
            results.append(Result(page, note="not available"))
            continue
        results.append(measure(page, get(path, **headers), args.repeat))
        say(results[-1].row())

    notes = fresh_signed_notes(clinic, membership, count=args.repeat + 1)
    sample = f"/billing/notes/{notes[0].pk}/invoice/"
    if resolves(sample):
        results.append(
            measure(
                "Invoice from note (POST)",
                lambda i: (
                    client.post(
                        f"/billing/notes/{notes[i + 1].pk}/invoice/"
                    ).status_code
                ),
                args.repeat,
            )
        )
    else:
        from practica.billing.services import create_invoice_for_note

        actor = actor_for(membership)

        def invoice(i: int) -> int:
            create_invoice_for_note(actor=actor, note=notes[i + 1])
            return 200

        result = measure("Invoice from note (service)", invoice, args.repeat)
        results.append(
            Result(
                result.page,
                result.median_ms,
                result.p95_ms,
                result.queries,
                "URL not available; service timed directly",
            )
        )
    say(results[-1].row())

    return report(results)


def report(results: list[Result]) -> int:
    say("")
    say("| Page | Median ms | p95 ms | SQL queries | Note |")
    say("|---|---:|---:|---:|---|")
    for result in results:
        say(result.row())
    return 0


def chart_pages(
    client: Client, membership: Membership, patient: Patient, *, repeat: int
) -> list[Result]:
    """Issue 4's target: the chart summary opens with p95 < 80 ms and a query
    count that does not grow with the chart, on the patient with the most
    visits, given a long list in every section (bench/chart_fixtures.py)."""
    from bench_fixtures import actor_for
    from chart_fixtures import fill_chart

    fill_chart(actor_for(membership), patient)
    results: list[Result] = []
    pages = [
        ("Chart summary (busiest patient)", f"/charting/patients/{patient.pk}/chart/"),
        ("Lab results, latest per test", f"/labs/patients/{patient.pk}/labs/"),
        ("Lab trend, HbA1c", f"/labs/patients/{patient.pk}/labs/4548-4/"),
        ("Chart search 'pain'", f"/search/patients/{patient.pk}/?q=pain"),
        ("Clinic search 'knee pain'", "/search/?q=knee+pain"),
        (
            "Record export, FHIR bundle",
            f"/reports/patients/{patient.pk}/export/bundle.json",
        ),
    ]
    for page, path in pages:
        if not resolves(path.split("?")[0]):
            results.append(Result(page, note="not available"))
            continue
        results.append(
            measure(page, lambda _i, p=path: client.get(p).status_code, repeat)
        )
        say(results[-1].row())
    return results


def billing_pages(
    client: Client, membership: Membership, location: Location, *, repeat: int
) -> list[Result]:
    """Issue 5's targets on 3 years of billing (generate.py --billing): AR
    aging and the monthly revenue report under 500 ms, an invoice from a
    signed note p95 under 50 ms; the daily close of the busiest recent day."""
    from bench_fixtures import fresh_signed_notes
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from practica.billing.models import Payment

    results: list[Result] = []
    today = timezone.now().astimezone(location.tz).date()
    for page, path in [
        ("AR aging, first page (/billing/ar/)", "/billing/ar/"),
        (
            "AR aging, sorted by 90+ (/billing/ar/?sort=over_90)",
            "/billing/ar/?sort=over_90",
        ),
        ("AR aging CSV, every patient", "/billing/ar/aging.csv"),
    ]:
        results.append(
            measure(page, lambda _i, p=path: client.get(p).status_code, repeat)
        )
        say(results[-1].row())
    last_year = today.year - 1
    for page, path in [
        (f"Monthly revenue, {last_year}", f"/billing/revenue/?year={last_year}"),
        (
            f"Monthly revenue CSV, {last_year}",
            f"/billing/revenue/export.csv?year={last_year}",
        ),
        (
            f"Monthly revenue, {today.year} (to date)",
            f"/billing/revenue/?year={today.year}",
        ),
    ]:
        if not resolves(path.split("?")[0]):
            results.append(Result(page, note="not available"))
            continue
        results.append(
            measure(page, lambda _i, p=path: client.get(p).status_code, repeat)
        )
        say(results[-1].row())
    busiest = (
        Payment.objects.filter(clinic=location.clinic, received_at__lt=timezone.now())
        .annotate(day=TruncDate("received_at", tzinfo=location.tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("-n", "-day")
        .first()
    )
    day = busiest["day"] if busiest else today
    path = f"/billing/close/?date={day}&location={location.pk}"
    if resolves("/billing/close/"):
        results.append(
            measure(
                f"Daily close ({day})",
                lambda _i: client.get(path).status_code,
                repeat,
            )
        )
    else:
        results.append(Result("Daily close", note="not available"))
    say(results[-1].row())
    # Every call (warm-up, timed, query-counted) invoices a note never invoiced
    # before, so the counted queries are those of a real first invoice.
    notes = iter(
        fresh_signed_notes(
            location.clinic, membership, count=repeat + 1 + QUERY_COUNT_CALLS
        )
    )
    results.append(
        measure(
            "Invoice from note (POST)",
            lambda _i: (
                client.post(f"/billing/notes/{next(notes).pk}/invoice/").status_code
            ),
            repeat,
        )
    )
    say(results[-1].row())
    return results


# The availability engine is measured on these types at the first location:
# no room and no buffer (four physiotherapists), a treatment room and a
# 15-minute buffer (two massage therapists, two rooms), and the gym (one
# occupational therapist, one room).
AVAILABILITY_TYPES = (
    "Physiotherapy follow-up",
    "Massage therapy 60 min",
    "Occupational therapy assessment",
)


def scheduling_pages(
    client: Client,
    membership: Membership,
    location: Location,
    *,
    busy_day: datetime.date,
    repeat: int,
) -> list[Result]:
    """Issue 3's targets: "next 20 free slots over 30 days, any provider"
    (p95 < 30 ms) and the day view for all providers (p95 < 60 ms)."""
    from bench_fixtures import actor_for
    from django.utils import timezone

    from practica.scheduling.models import AppointmentType

    results: list[Result] = []
    actor = actor_for(membership)
    today = timezone.now().astimezone(location.tz).date()
    try:
        from practica.scheduling.selectors.availability import find_slots
    except ImportError:
        results.append(Result("Availability, next 20 slots", note="not available"))
    else:
        for name in AVAILABILITY_TYPES:
            kind = AppointmentType.objects.get(clinic=location.clinic, name=name)
            found: list[int] = []

            def slots(
                _i: int, kind: AppointmentType = kind, found: list[int] = found
            ) -> int:
                found.append(
                    len(
                        find_slots(
                            actor=actor,
                            appointment_type=kind,
                            location=location,
                            start_on=today,
                            days=30,
                            limit=20,
                        )
                    )
                )
                return 200

            result = measure(f"Availability, 20 slots / 30 days: {name}", slots, repeat)
            results.append(
                Result(
                    result.page,
                    result.median_ms,
                    result.p95_ms,
                    result.queries,
                    f"{min(found)}-{max(found)} slots found",
                    result.cpu_ms,
                )
            )
            say(results[-1].row())
    day = f"date={busy_day}&location={location.pk}"
    next_day = busy_day + datetime.timedelta(days=1)
    pages = [
        ("Day view page, all providers", f"/schedule/?view=day&{day}"),
        (
            "Day view events JSON, all providers",
            f"/schedule/events/?location={location.pk}&start={busy_day}&end={next_day}",
        ),
    ]
    for page, path in pages:
        if not resolves(path.split("?")[0]):
            results.append(Result(page, note="not available"))
            continue
        results.append(
            measure(page, lambda _i, p=path: client.get(p).status_code, repeat)
        )
        say(results[-1].row())
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
