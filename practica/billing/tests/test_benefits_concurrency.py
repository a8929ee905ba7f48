"""Two invoices of one visit at the same moment use one package visit, and
two visits racing for a package's last visit get it once (threads, each with
its own connection: PostgreSQL, or a SQLite file; see test_concurrency.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from practica.billing.benefits import BenefitError
from practica.billing.models import BenefitUse, Invoice
from practica.billing.services.invoices import issue_new_invoice, visit_line
from practica.billing.tests.factories_benefits import make_package, visit
from practica.billing.tests.test_concurrency import (  # the suite's own helpers
    _run_together,
    separate_connections,  # noqa: F401  # a fixture, used by name
)
from practica.scheduling.tests.factories import AppointmentTypeFactory, main_location
from practica.tenancy.tests.factories import make_clinic, system_actor_for

DAY = dt.date(2031, 3, 3)


@pytest.mark.slow
@pytest.mark.usefixtures("separate_connections")
def test_two_invoices_of_one_visit_use_one_package_visit() -> None:
    # given a package and one covered visit, priced twice before either issues
    clinic = make_clinic()
    massage = AppointmentTypeFactory(clinic=clinic, price=Decimal("95.00"))
    package = make_package(clinic, types=[massage])
    appointment = visit(
        clinic,
        patient=package.patient,
        appointment_type=massage,
        day=package.purchased_on,
    )
    actor = system_actor_for(clinic)
    lines = [visit_line(actor=actor, appointment=appointment) for _ in range(4)]
    location = main_location(clinic)
    # when four requests issue them at the same moment
    errors = _run_together(
        [
            lambda line=line: issue_new_invoice(
                actor=actor, patient=package.patient, location=location, lines=[line]
            )
            for line in lines
        ]
    )
    # then one invoice used one visit; the others were refused whole
    assert len(errors) == 3
    assert all(isinstance(error, BenefitError) for error in errors)
    assert BenefitUse.objects.filter(package=package).count() == 1
    assert (
        Invoice.objects.filter(clinic=clinic, lines__appointment=appointment).count()
        == 1
    )


@pytest.mark.slow
@pytest.mark.usefixtures("separate_connections")
def test_visits_racing_for_the_last_visit_get_it_once() -> None:
    clinic = make_clinic()
    massage = AppointmentTypeFactory(clinic=clinic, price=Decimal("95.00"))
    package = make_package(clinic, types=[massage], visits=1)
    actor = system_actor_for(clinic)
    location = main_location(clinic)
    lines = [
        visit_line(
            actor=actor,
            appointment=visit(
                clinic,
                patient=package.patient,
                appointment_type=massage,
                day=package.purchased_on,
                hour=hour,
            ),
        )
        for hour in (9, 11, 13)
    ]
    errors = _run_together(
        [
            lambda line=line: issue_new_invoice(
                actor=actor, patient=package.patient, location=location, lines=[line]
            )
            for line in lines
        ]
    )
    assert [str(error) for error in errors] == ["This package has no visits left."] * 2
    assert BenefitUse.objects.filter(package=package).count() == 1
