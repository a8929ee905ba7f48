"""Fill a database with a large synthetic clinic for the benchmark.

    .venv/bin/python bench/generate.py --patients 50000 --providers 10 --years 3 \
        --database postgres --pg-name practica_bench

Migrates the database first (creating the PostgreSQL database when missing;
--fresh drops it first) and then writes the clinic with the demo generator.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SLUG = "bench"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--days-ahead", type=int, default=28)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-name", default="practica_bench")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench.sqlite3"))
    parser.add_argument("--fresh", action="store_true", help="Drop the database first.")
    parser.add_argument(
        "--billing",
        action="store_true",
        help="Add refunds, credit notes, write-offs, account credit and line"
        " providers (bench/billing_data.py) to the new clinic.",
    )
    parser.add_argument(
        "--billing-only",
        action="store_true",
        help="Add that billing history to an existing bench clinic and stop.",
    )
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    """Point the settings at the bench database; must run before django.setup()."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "practica.config.settings"
    os.environ.setdefault("PRACTICA_DEBUG", "1")
    # Per-request info logs would be timed along with the pages.
    os.environ.setdefault("PRACTICA_LOG_LEVEL", "WARNING")
    if args.database == "postgres":
        os.environ["PRACTICA_DATABASE"] = "postgres"
        os.environ["PRACTICA_PG_NAME"] = args.pg_name
    else:
        os.environ["PRACTICA_DATABASE"] = "sqlite"
        os.environ["PRACTICA_SQLITE_PATH"] = args.sqlite_path


def prepare_postgres(name: str, *, fresh: bool) -> None:
    import psycopg
    from psycopg import sql

    params = {
        "host": os.environ.get("PRACTICA_PG_HOST", "127.0.0.1"),
        "port": os.environ.get("PRACTICA_PG_PORT", "5432"),
        "user": os.environ.get("PRACTICA_PG_USER", "postgres"),
        "password": os.environ.get("PRACTICA_PG_PASSWORD", ""),
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    args = parse_args()
    configure(args)
    if args.database == "postgres":
        prepare_postgres(args.pg_name, fresh=args.fresh)
    elif args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_path + suffix).unlink(missing_ok=True)
    Path(args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from scheduling_layout import lay_out_scheduling

    from practica.demo.generator import ClinicSpec, generate_clinic
    from practica.tenancy.models import Clinic

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrated in {time.perf_counter() - started:.1f} s")
    existing = Clinic.objects.filter(slug=BENCH_SLUG).first()
    if existing is not None and args.billing_only:
        return add_billing(existing, now=timezone.now(), seed=args.seed)
    if existing is not None:
        say("The bench clinic exists already; use --fresh to rebuild it.")
        return 0
    now = timezone.now()
    spec = ClinicSpec(
        name="Bench Physio Group",
        slug=BENCH_SLUG,
        email_domain="bench.example",
        patients=args.patients,
        providers=args.providers,
        days_back=round(args.years * 365),
        days_ahead=args.days_ahead,
        seed=args.seed,
        now=now,
    )
    started = time.perf_counter()
    result = generate_clinic(spec)
    generated = time.perf_counter() - started
    say(f"generated in {generated:.1f} s; laying out rooms, breaks and time off")
    started = time.perf_counter()
    first_day = now.date() - datetime.timedelta(days=spec.days_back)
    layout = lay_out_scheduling(result.clinic, now=now, first_day=first_day)
    say(f"laid out in {time.perf_counter() - started:.1f} s")
    if args.billing:
        add_billing(result.clinic, now=now, seed=args.seed)
    # A production database is vacuumed by autovacuum; one freshly loaded is
    # not, and without a visibility map PostgreSQL cannot use index-only scans.
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )
    say(f"database: {connection.vendor}")
    for name, count in {**result.counts, **layout}.items():
        say(f"  {name:<16} {count:>10,}")
    say("log-ins (password: practica-demo-2026):")
    for login in result.logins:
        say(f"  {login.role:<36} {login.email}")
    return 0


def add_billing(clinic: object, *, now: datetime.datetime, seed: int) -> int:
    """Issue 5's billing history on top of the clinic; prints its counts."""
    from billing_data import add_billing_history, ledger_mismatches
    from django.db import connection

    started = time.perf_counter()
    counts = add_billing_history(clinic, now=now, seed=seed)  # type: ignore[arg-type]  # a Clinic; typed loosely to keep Django imports lazy
    say(f"billing history added in {time.perf_counter() - started:.1f} s")
    for name, count in counts.items():
        say(f"  {name:<20} {count:>10,}")
    mismatches = ledger_mismatches(clinic)  # type: ignore[arg-type]  # as above
    say(f"  invoices whose status disagrees with the ledger: {mismatches}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
