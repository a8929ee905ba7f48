"""Invoice numbers under concurrent requests: exactly 1..N, no gap, no repeat.

Each thread has its own database connection, so this needs real concurrent
connections. PostgreSQL has them; SQLite does only on a file database (set
PRACTICA_SQLITE_TEST_PATH). pytest-django's default SQLite test database is a
shared-cache in-memory database, where concurrent writers fail with "table is
locked" instead of waiting on the busy timeout, so the threaded tests are
skipped there. On SQLite the same guarantees are proved through HTTP by
`test_concurrency_http.py`, against a real server on a file database; and
`test_services.test_numbers_run_one_two_three_per_clinic` checks the numbering
sequentially on every database.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from practica.billing.models import Invoice
from practica.billing.services import create_invoice_for_appointment
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.tests.factories import make_clinic, system_actor_for

THREADS = 8


@pytest.fixture
def separate_connections(transactional_db: None) -> None:
    """Skip where threads cannot hold their own connection (see module doc)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(name):
        pytest.skip("needs a file or PostgreSQL database for real concurrency")


def _run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.slow
def test_concurrent_invoices_get_numbers_one_to_n(separate_connections: None) -> None:
    # given a clinic with N completed appointments, and no invoice yet
    clinic = make_clinic()
    actor = system_actor_for(clinic)
    appointments = [
        AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
        for _ in range(THREADS)
    ]
    # when N requests invoice them at the same moment
    errors = _run_together(
        [
            lambda a=appointment: create_invoice_for_appointment(
                actor=actor, appointment=a
            )
            for appointment in appointments
        ]
    )
    # then every request succeeded and the numbers are exactly 1..N
    assert errors == []
    numbers = sorted(
        Invoice.objects.filter(clinic=clinic).values_list("number", flat=True)
    )
    assert numbers == list(range(1, THREADS + 1))


@pytest.mark.slow
def test_concurrent_requests_for_one_appointment_make_one_invoice(
    separate_connections: None,
) -> None:
    # given one appointment
    clinic = make_clinic()
    actor = system_actor_for(clinic)
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.COMPLETED)
    # when several requests invoice it at once (a double click, two tabs)
    errors = _run_together(
        [
            lambda: create_invoice_for_appointment(actor=actor, appointment=appointment)
            for _ in range(4)
        ]
    )
    # then there is exactly one invoice
    assert errors == []
    assert list(
        Invoice.objects.filter(clinic=clinic).values_list("number", flat=True)
    ) == [1]
