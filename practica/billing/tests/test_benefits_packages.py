"""Packages of visits: sold on an invoice, consumed by invoiced visits of a
covered type, never after expiry, never beyond their visits, never twice for
one visit; a void gives the visit back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from time_machine import TimeMachineFixture

from practica.audit.models import AuditEntry
from practica.billing.benefits import (
    SOURCE_PACKAGE,
    Benefit,
    BenefitError,
    benefit_for_appointment,
    record_benefit_use,
)
from practica.billing.models import (
    BenefitUse,
    CatalogItem,
    Invoice,
    PatientPackage,
)
from practica.billing.services.benefits import define_package_plan
from practica.billing.services.corrections import issue_credit_note, void_invoice
from practica.billing.services.invoices import (
    NewLine,
    create_invoice_for_appointment,
    issue_new_invoice,
    visit_line,
)
from practica.billing.tests.factories_benefits import (
    BenefitItemFactory,
    make_package,
    make_package_plan,
    sell,
    visit,
)
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentTypeFactory, main_location
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for

TODAY = dt.date(2031, 3, 3)


@pytest.fixture(autouse=True)
def _frozen(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(dt.datetime(2031, 3, 3, 17, 0, tzinfo=dt.UTC), tick=False)


def _package_and_type(clinic: Clinic, **fields: object) -> PatientPackage:
    massage = AppointmentTypeFactory(
        clinic=clinic, name="Massage 60", price=Decimal("95.00")
    )
    return make_package(clinic, types=[massage], **fields)


def _covered_visit(
    package: PatientPackage, day: dt.date = TODAY, hour: int = 10
) -> Appointment:
    return visit(
        package.clinic,
        patient=package.patient,
        appointment_type=package.plan.appointment_types.get(),
        day=day,
        hour=hour,
    )


def test_selling_a_package_item_gives_the_patient_a_package(clinic: Clinic) -> None:
    # given a package plan of 10 visits valid 365 days
    plan = make_package_plan(clinic)
    patient = PatientFactory(clinic=clinic)
    # when it is sold
    invoice = sell(plan, patient)
    # then the invoice bills the package and the patient holds it
    package = PatientPackage.objects.get(clinic=clinic, patient=patient)
    assert invoice.total == Decimal("900.00")
    assert invoice.status == Invoice.Status.ISSUED
    assert package.visits == 10
    assert package.purchased_on == TODAY
    assert package.expires_on == dt.date(2032, 3, 2)
    assert package.sale_line.invoice_id == invoice.pk
    assert (
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, object_type="billing.patientpackage", action="create"
        ).count()
        == 1
    )


def test_a_covered_visit_uses_one_visit_at_full_discount(clinic: Clinic) -> None:
    # given a package and a completed covered visit
    package = _package_and_type(clinic)
    appointment = _covered_visit(package)
    # when the visit is invoiced
    invoice = create_invoice_for_appointment(
        actor=system_actor_for(clinic), appointment=appointment
    )
    # then the line is discounted 100 %, labelled, and the invoice is paid
    line = invoice.lines.get()
    assert line.discount_name == "Package: 10 massages (visit 1 of 10)"
    assert line.discount_amount == Decimal("95.00")
    assert line.line_total == Decimal("0.00")
    assert invoice.total == Decimal("0.00")
    assert invoice.status == Invoice.Status.PAID
    use = BenefitUse.objects.get(clinic=clinic)
    assert (use.package_id, use.line_id, use.kind) == (
        package.pk,
        line.pk,
        BenefitUse.Kind.PACKAGE_VISIT,
    )


def test_visits_are_numbered_in_order(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    actor = system_actor_for(clinic)
    labels = [
        create_invoice_for_appointment(
            actor=actor, appointment=_covered_visit(package, hour=hour)
        )
        .lines.get()
        .discount_name
        for hour in (9, 11, 13)
    ]
    assert labels == [
        "Package: 10 massages (visit 1 of 10)",
        "Package: 10 massages (visit 2 of 10)",
        "Package: 10 massages (visit 3 of 10)",
    ]


def test_two_visits_on_one_invoice_are_numbered_apart(clinic: Clinic) -> None:
    # given two covered visits priced together, before either is recorded
    package = _package_and_type(clinic)
    actor = system_actor_for(clinic)
    lines = [
        visit_line(actor=actor, appointment=_covered_visit(package, hour=h))
        for h in (9, 11)
    ]
    # when one invoice bills both
    invoice = issue_new_invoice(
        actor=actor,
        patient=package.patient,
        location=main_location(clinic),
        lines=lines,
    )
    # then each line names its own visit
    assert [line.discount_name for line in invoice.lines.all()] == [
        "Package: 10 massages (visit 1 of 10)",
        "Package: 10 massages (visit 2 of 10)",
    ]
    assert invoice.total == Decimal("0.00")


def test_an_exhausted_package_gives_nothing(clinic: Clinic) -> None:
    # given a package of 2 visits, both used
    package = _package_and_type(clinic, visits=2)
    actor = system_actor_for(clinic)
    for hour in (9, 11):
        create_invoice_for_appointment(
            actor=actor, appointment=_covered_visit(package, hour=hour)
        )
    # when a third visit is invoiced
    third = create_invoice_for_appointment(
        actor=actor, appointment=_covered_visit(package, hour=14)
    )
    # then it is billed at full price
    line = third.lines.get()
    assert line.discount_amount == Decimal("0.00")
    assert third.total == Decimal("95.00")
    assert BenefitUse.objects.filter(package=package).count() == 2


def test_an_expired_package_gives_nothing(clinic: Clinic) -> None:
    # given a package valid 30 days and a visit on day 31
    package = _package_and_type(clinic, validity_days=30)
    late = _covered_visit(package, day=TODAY + dt.timedelta(days=31))
    # when the visit is priced
    benefit = benefit_for_appointment(
        actor=system_actor_for(clinic), appointment=late, amount=Decimal("95.00")
    )
    # then there is no benefit
    assert benefit is None


def test_the_last_valid_day_still_counts(clinic: Clinic) -> None:
    package = _package_and_type(clinic, validity_days=30)
    last = _covered_visit(package, day=TODAY + dt.timedelta(days=30))
    benefit = benefit_for_appointment(
        actor=system_actor_for(clinic), appointment=last, amount=Decimal("95.00")
    )
    assert benefit == Benefit(
        label="Package: 10 massages (visit 1 of 10)",
        discount=Decimal("95.00"),
        source=SOURCE_PACKAGE,
        source_id=package.pk,
    )


def test_an_uncovered_visit_type_gives_nothing(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    other = visit(
        clinic,
        patient=package.patient,
        appointment_type=AppointmentTypeFactory(clinic=clinic),
        day=TODAY,
    )
    assert (
        benefit_for_appointment(
            actor=system_actor_for(clinic), appointment=other, amount=Decimal("90")
        )
        is None
    )


def test_another_patients_package_gives_nothing(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    stranger = visit(
        clinic,
        patient=PatientFactory(clinic=clinic),
        appointment_type=package.plan.appointment_types.get(),
        day=TODAY,
    )
    assert (
        benefit_for_appointment(
            actor=system_actor_for(clinic), appointment=stranger, amount=Decimal("95")
        )
        is None
    )


def test_a_second_invoice_of_one_visit_cannot_use_a_second_visit(
    clinic: Clinic,
) -> None:
    # given a visit priced with its package benefit twice (two clerks at once)
    package = _package_and_type(clinic)
    appointment = _covered_visit(package)
    actor = system_actor_for(clinic)
    first_line = visit_line(actor=actor, appointment=appointment)
    second_line = visit_line(actor=actor, appointment=appointment)
    patient = package.patient
    location = main_location(clinic)
    issue_new_invoice(
        actor=actor, patient=patient, location=location, lines=[first_line]
    )
    invoices_before = Invoice.objects.filter(clinic=clinic).count()
    # when the second is issued
    with pytest.raises(BenefitError) as refused:
        issue_new_invoice(
            actor=actor, patient=patient, location=location, lines=[second_line]
        )
    # then it is refused whole and only one visit is used
    assert refused.value.message == (
        "This visit already used a package or membership benefit."
    )
    assert Invoice.objects.filter(clinic=clinic).count() == invoices_before
    assert BenefitUse.objects.filter(package=package).count() == 1


def test_the_last_visit_taken_meanwhile_refuses_the_invoice(clinic: Clinic) -> None:
    # given a 1-visit package priced for two visits before either is issued
    package = _package_and_type(clinic, visits=1)
    actor = system_actor_for(clinic)
    lines = [
        visit_line(actor=actor, appointment=_covered_visit(package, hour=h))
        for h in (9, 11)
    ]
    location = main_location(clinic)
    issue_new_invoice(
        actor=actor, patient=package.patient, location=location, lines=[lines[0]]
    )
    # when the second is issued
    with pytest.raises(BenefitError) as refused:
        issue_new_invoice(
            actor=actor, patient=package.patient, location=location, lines=[lines[1]]
        )
    # then it is refused: the package has no visit left
    assert refused.value.message == "This package has no visits left."
    assert BenefitUse.objects.filter(package=package).count() == 1


def test_record_refuses_a_line_without_a_visit(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    sale_line = package.sale_line
    benefit = Benefit(
        label="x", discount=Decimal("1"), source=SOURCE_PACKAGE, source_id=package.pk
    )
    with pytest.raises(BenefitError) as refused:
        record_benefit_use(
            actor=system_actor_for(clinic), benefit=benefit, line=sale_line
        )
    assert refused.value.message == "A benefit applies to a visit's line only."


def test_voiding_the_visits_invoice_gives_the_visit_back(clinic: Clinic) -> None:
    # given a visit invoiced on a package
    package = _package_and_type(clinic)
    actor = system_actor_for(clinic)
    invoice = create_invoice_for_appointment(
        actor=actor, appointment=_covered_visit(package)
    )
    # when the invoice is voided
    void_invoice(actor=actor, invoice=invoice, reason="Billed in error")
    # then the use is released and the next visit is visit 1 again
    assert BenefitUse.objects.get(clinic=clinic).released_at is not None
    again = create_invoice_for_appointment(
        actor=actor, appointment=_covered_visit(package, hour=15)
    )
    assert again.lines.get().discount_name == "Package: 10 massages (visit 1 of 10)"


def test_a_voided_visit_can_be_invoiced_again_on_the_package(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    actor = system_actor_for(clinic)
    appointment = _covered_visit(package)
    void_invoice(
        actor=actor,
        invoice=create_invoice_for_appointment(actor=actor, appointment=appointment),
        reason="Wrong date",
    )
    second = create_invoice_for_appointment(actor=actor, appointment=appointment)
    assert second.total == Decimal("0.00")
    assert (
        BenefitUse.objects.filter(
            appointment=appointment, released_at__isnull=True
        ).count()
        == 1
    )


def test_voiding_the_sale_cancels_the_package(clinic: Clinic) -> None:
    package = _package_and_type(clinic)
    actor = system_actor_for(clinic)
    void_invoice(actor=actor, invoice=package.sale_line.invoice, reason="Changed mind")
    package.refresh_from_db()
    assert package.cancelled_at is not None
    assert (
        benefit_for_appointment(
            actor=actor, appointment=_covered_visit(package), amount=Decimal("95")
        )
        is None
    )


def test_a_full_credit_of_the_sale_cancels_the_package(clinic: Clinic) -> None:
    # given a package with its one visit used
    package = _package_and_type(clinic, visits=1)
    actor = system_actor_for(clinic)
    create_invoice_for_appointment(actor=actor, appointment=_covered_visit(package))
    # when the sale invoice is fully credited
    issue_credit_note(
        actor=actor, invoice=package.sale_line.invoice, reason="Refunded package"
    )
    # then the package is cancelled
    package.refresh_from_db()
    assert package.cancelled_at is not None


def test_a_package_item_without_plan_cannot_be_sold(clinic: Clinic) -> None:
    item = BenefitItemFactory(clinic=clinic)
    patient = PatientFactory(clinic=clinic)
    with pytest.raises(BenefitError) as refused:
        issue_new_invoice(
            actor=system_actor_for(clinic),
            patient=patient,
            location=main_location(clinic),
            lines=[NewLine(description="Pack", unit_price=Decimal("10"), item=item)],
        )
    assert (
        refused.value.message == "10 massages has no plan yet: define its visits first."
    )
    assert Invoice.objects.filter(clinic=clinic).count() == 0


def test_two_packages_on_one_line_are_refused(clinic: Clinic) -> None:
    plan = make_package_plan(clinic)
    with pytest.raises(BenefitError) as refused:
        issue_new_invoice(
            actor=system_actor_for(clinic),
            patient=PatientFactory(clinic=clinic),
            location=main_location(clinic),
            lines=[
                NewLine(
                    description="Pack",
                    unit_price=Decimal("900"),
                    quantity=Decimal("2"),
                    item=plan.item,
                )
            ],
        )
    assert refused.value.field == "quantity"
    assert PatientPackage.objects.filter(clinic=clinic).count() == 0


@pytest.mark.parametrize(
    ("visits", "days", "field"),
    [(0, 30, "visits"), (201, 30, "visits"), (5, 0, "validity_days")],
)
def test_plan_definition_refuses_bad_numbers(
    clinic: Clinic, visits: int, days: int, field: str
) -> None:
    item = BenefitItemFactory(clinic=clinic)
    with pytest.raises(BenefitError) as refused:
        define_package_plan(
            actor=system_actor_for(clinic),
            item=item,
            visits=visits,
            validity_days=days,
            appointment_types=[AppointmentTypeFactory(clinic=clinic)],
        )
    assert refused.value.field == field


def test_plan_definition_refuses_a_second_plan_and_a_wrong_kind(
    clinic: Clinic,
) -> None:
    plan = make_package_plan(clinic)
    actor = system_actor_for(clinic)
    types = [AppointmentTypeFactory(clinic=clinic)]
    with pytest.raises(BenefitError) as twice:
        define_package_plan(
            actor=actor,
            item=plan.item,
            visits=5,
            validity_days=5,
            appointment_types=types,
        )
    product = BenefitItemFactory(clinic=clinic, kind=CatalogItem.Kind.PRODUCT)
    with pytest.raises(BenefitError) as wrong:
        define_package_plan(
            actor=actor,
            item=product,
            visits=5,
            validity_days=5,
            appointment_types=types,
        )
    assert twice.value.message == "This item already has a plan."
    assert wrong.value.message == "Choose an item of kind package of visits."


def test_plan_definition_refuses_another_clinics_item(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    foreign = BenefitItemFactory(clinic=other_clinic)
    with pytest.raises(BenefitError) as refused:
        define_package_plan(
            actor=system_actor_for(clinic),
            item=foreign,
            visits=5,
            validity_days=5,
            appointment_types=[AppointmentTypeFactory(clinic=clinic)],
        )
    assert refused.value.message == "This record belongs to another clinic."
