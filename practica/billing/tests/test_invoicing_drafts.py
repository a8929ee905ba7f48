"""Draft invoices: lifecycle and refusals (`billing.services.drafts`)."""

from decimal import Decimal

import pytest

from practica.audit.models import AuditEntry
from practica.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceLineTax,
    LedgerEntry,
    TaxCategory,
)
from practica.billing.services.drafts import (
    DraftError,
    add_appointment_lines,
    add_custom_line,
    add_item_line,
    delete_draft,
    invoice_visits,
    issue_draft,
    remove_line,
    set_line_discount,
    update_draft,
)
from practica.billing.services.invoices import NewLine, issue_new_invoice
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_invoicing import (
    CatalogItemFactory,
    DiscountFactory,
    completed_visit,
    make_draft,
)
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    MONDAY,
    AppointmentTypeFactory,
    local,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


def _totals(invoice: Invoice) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    invoice.refresh_from_db()
    return (invoice.subtotal, invoice.discount_total, invoice.tax_total, invoice.total)


def test_a_draft_has_no_number_and_no_ledger_entry(clinic: Clinic) -> None:
    draft = make_draft(clinic)
    assert (draft.status, draft.number, draft.total) == ("draft", None, Decimal("0"))
    assert LedgerEntry.objects.count() == 0


def test_lines_and_totals_follow_every_change(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a draft in Ontario with a product (goods: HST 13%) and a custom line
    draft = make_draft(clinic)
    roller = CatalogItemFactory(clinic=clinic, name="Foam roller", code="FR")
    product = add_item_line(
        actor=system_actor, invoice=draft, item=roller, quantity=Decimal("2")
    )
    add_custom_line(
        actor=system_actor,
        invoice=draft,
        description="Report for an insurer",
        unit_price=Decimal("50.00"),
    )
    # then: 2 x 20.00 + 13% HST = 45.20; the report is exempt
    assert _totals(draft) == (
        Decimal("90.00"),
        Decimal("0.00"),
        Decimal("5.20"),
        Decimal("95.20"),
    )
    # when the product line gets 10% off and the report is removed
    set_line_discount(
        actor=system_actor,
        line=product,
        discount=DiscountFactory(clinic=clinic, name="Senior 10%"),
    )
    report = InvoiceLine.objects.get(invoice=draft, item__isnull=True)
    remove_line(actor=system_actor, line=report)
    # then: 40.00 - 4.00 = 36.00, HST 4.68 on the discounted amount
    assert _totals(draft) == (
        Decimal("36.00"),
        Decimal("4.00"),
        Decimal("4.68"),
        Decimal("40.68"),
    )
    product.refresh_from_db()
    assert (product.discount_name, product.tax_name, product.line_total) == (
        "Senior 10%",
        "HST",
        Decimal("40.68"),
    )
    assert list(InvoiceLineTax.objects.values_list("name", "amount")) == [
        ("HST", Decimal("4.68"))
    ]


def test_issuing_numbers_posts_and_audits(clinic: Clinic, system_actor: Actor) -> None:
    # given an issued invoice already took number 1
    make_invoice(clinic)
    draft = make_draft(clinic)
    add_custom_line(
        actor=system_actor,
        invoice=draft,
        description="Orthotic casting",
        unit_price=Decimal("120.00"),
        tax_category=TaxCategory.GOODS,
    )
    # when the draft is issued
    issued = issue_draft(actor=system_actor, invoice=draft)
    # then it takes number 2, its charge is in the ledger, and it is audited
    assert (issued.number, issued.status, issued.total) == (
        2,
        "issued",
        Decimal("135.60"),
    )
    assert LedgerEntry.objects.get(invoice=issued).amount == Decimal("135.60")
    assert AuditEntry.objects.filter(
        object_id=str(issued.pk), action="create", detail="draft issued"
    ).exists()


def test_draft_memo_and_due_date_change(clinic: Clinic, system_actor: Actor) -> None:
    draft = make_draft(clinic)
    changed = update_draft(
        actor=system_actor, invoice=draft, memo=" Thank you ", due_on=None
    )
    assert changed.memo == "Thank you"


def test_deleting_a_draft_removes_it_and_its_lines(
    clinic: Clinic, system_actor: Actor
) -> None:
    draft = make_draft(clinic)
    add_custom_line(
        actor=system_actor, invoice=draft, description="x", unit_price=Decimal("5")
    )
    delete_draft(actor=system_actor, invoice=draft)
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (0, 0)


def test_visits_become_one_line_each_and_are_billed_once(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given two completed visits of one patient
    patient = PatientFactory(clinic=clinic)
    kind = AppointmentTypeFactory(clinic=clinic, name="Physio", price=Decimal("90"))
    first = completed_visit(clinic, patient=patient, appointment_type=kind)
    second = completed_visit(
        clinic,
        patient=patient,
        appointment_type=kind,
        status=Appointment.Status.ARRIVED,
        start_at=local(MONDAY, 14),
    )
    draft = make_draft(clinic, patient=patient)
    # when both are added
    lines = add_appointment_lines(
        actor=system_actor, invoice=draft, appointments=[first, second]
    )
    # then one line each, and no other invoice can take them
    assert [line.appointment_id for line in lines] == [first.pk, second.pk]
    assert _totals(draft)[3] == Decimal("180.00")
    other = make_draft(clinic, patient=patient)
    with pytest.raises(DraftError, match="already on an invoice"):
        add_appointment_lines(actor=system_actor, invoice=other, appointments=[first])


def test_one_click_invoice_of_several_visits(
    clinic: Clinic, system_actor: Actor
) -> None:
    patient = PatientFactory(clinic=clinic)
    visits = [completed_visit(clinic, patient=patient) for _ in range(3)]
    invoice = invoice_visits(actor=system_actor, patient=patient, appointments=visits)
    assert (invoice.status, invoice.number, invoice.total) == (
        "issued",
        1,
        Decimal("300.00"),
    )
    assert invoice.lines.count() == 3
    with pytest.raises(DraftError, match="already on an invoice"):
        invoice_visits(actor=system_actor, patient=patient, appointments=visits[:1])


def test_one_click_can_leave_a_draft(clinic: Clinic, system_actor: Actor) -> None:
    patient = PatientFactory(clinic=clinic)
    visit = completed_visit(clinic, patient=patient)
    draft = invoice_visits(
        actor=system_actor, patient=patient, appointments=[visit], issue=False
    )
    assert (draft.status, draft.number, draft.lines.count()) == ("draft", None, 1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantity": Decimal("-1")}, "quantity", "more than 0"),
        ({"quantity": Decimal("0")}, "quantity", "more than 0"),
        ({"unit_price": Decimal("10.005")}, "unit_price", "2 decimal places"),
        ({"unit_price": Decimal("-1")}, "unit_price", "0 or more"),
        ({"description": "  "}, "description", "Describe"),
        ({"tax_category": "luxury"}, "tax_category", "tax category"),
    ],
)
def test_bad_custom_lines_are_refused_and_change_nothing(
    clinic: Clinic,
    system_actor: Actor,
    fields: dict[str, object],
    field: str,
    message: str,
) -> None:
    draft = make_draft(clinic)
    values: dict[str, object] = {
        "description": "Report",
        "unit_price": Decimal("10.00"),
        "quantity": Decimal("1"),
        "tax_category": TaxCategory.HEALTH_SERVICE,
        **fields,
    }
    with pytest.raises(DraftError, match=message) as refused:
        add_custom_line(actor=system_actor, invoice=draft, **values)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert InvoiceLine.objects.count() == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": Decimal("50.01")},
        {"amount": Decimal("1.001")},
        {"percent": Decimal("101")},
        {"amount": Decimal("1"), "percent": Decimal("1")},
    ],
)
def test_discount_above_the_line_or_malformed_is_refused(
    clinic: Clinic, system_actor: Actor, kwargs: dict[str, Decimal]
) -> None:
    draft = make_draft(clinic)
    line = add_custom_line(
        actor=system_actor, invoice=draft, description="x", unit_price=Decimal("50")
    )
    with pytest.raises(DraftError) as refused:
        set_line_discount(actor=system_actor, line=line, **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == "discount"
    line.refresh_from_db()
    assert (line.discount_amount, line.line_total) == (Decimal("0"), Decimal("50"))


def test_a_full_amount_discount_is_allowed_and_can_be_taken_off(
    clinic: Clinic, system_actor: Actor
) -> None:
    draft = make_draft(clinic)
    line = add_custom_line(
        actor=system_actor, invoice=draft, description="x", unit_price=Decimal("50")
    )
    staff = set_line_discount(
        actor=system_actor, line=line, percent=Decimal("100"), name="Staff"
    )
    assert (staff.discount_name, staff.line_total) == ("Staff", Decimal("0.00"))
    cleared = set_line_discount(actor=system_actor, line=line)
    assert (cleared.discount_amount, cleared.line_total) == (
        Decimal("0.00"),
        Decimal("50.00"),
    )


def test_an_empty_draft_cannot_be_issued(clinic: Clinic, system_actor: Actor) -> None:
    draft = make_draft(clinic)
    with pytest.raises(DraftError, match="Add a line") as refused:
        issue_draft(actor=system_actor, invoice=draft)
    assert refused.value.field == "lines"
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("draft", None)


def test_an_issued_invoice_is_never_edited(clinic: Clinic, system_actor: Actor) -> None:
    # given an issued invoice
    invoice = make_invoice(clinic)
    line = invoice.lines.get()
    # then no draft change reaches it
    with pytest.raises(DraftError, match="Only a draft"):
        add_custom_line(
            actor=system_actor, invoice=invoice, description="x", unit_price=Decimal(1)
        )
    with pytest.raises(DraftError, match="Only a draft"):
        set_line_discount(actor=system_actor, line=line, amount=Decimal("1"))
    with pytest.raises(DraftError, match="Only a draft"):
        remove_line(actor=system_actor, line=line)
    with pytest.raises(DraftError, match="Only a draft"):
        delete_draft(actor=system_actor, invoice=invoice)
    with pytest.raises(DraftError, match="Only a draft"):
        issue_draft(actor=system_actor, invoice=invoice)
    assert (invoice.lines.count(), Invoice.objects.count()) == (1, 1)


def test_a_visit_invoiced_meanwhile_refuses_the_draft(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a visit on a draft, then billed by an invoice naming it as its
    # visit (as invoices made before line-level visits do)
    patient = PatientFactory(clinic=clinic)
    visit = completed_visit(clinic, patient=patient)
    draft = make_draft(clinic, patient=patient)
    add_appointment_lines(actor=system_actor, invoice=draft, appointments=[visit])
    issue_new_invoice(
        actor=system_actor,
        patient=patient,
        location=visit.location,
        appointment=visit,
        lines=[NewLine(description="Visit", unit_price=Decimal("100.00"))],
    )
    # when the draft is issued
    with pytest.raises(DraftError, match="invoiced meanwhile"):
        issue_draft(actor=system_actor, invoice=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_visits_of_another_patient_or_not_given_are_refused(
    clinic: Clinic, system_actor: Actor
) -> None:
    draft = make_draft(clinic)
    booked = completed_visit(clinic, patient=draft.patient, status="booked")
    with pytest.raises(DraftError, match="another patient"):
        add_appointment_lines(
            actor=system_actor, invoice=draft, appointments=[completed_visit(clinic)]
        )
    with pytest.raises(DraftError, match="arrived or completed"):
        add_appointment_lines(actor=system_actor, invoice=draft, appointments=[booked])
    assert InvoiceLine.objects.count() == 0


def test_a_billing_member_may_edit_drafts_and_a_provider_may_not(
    clinic: Clinic, billing_actor: Actor, provider_actor: Actor
) -> None:
    draft = make_draft(clinic)
    add_custom_line(
        actor=billing_actor, invoice=draft, description="x", unit_price=Decimal(1)
    )
    with pytest.raises(DraftError, match="may not change invoices"):
        add_custom_line(
            actor=provider_actor, invoice=draft, description="x", unit_price=Decimal(1)
        )


def test_another_clinics_draft_is_refused(
    clinic: Clinic, other_clinic: Clinic, system_actor: Actor
) -> None:
    foreign = make_draft(other_clinic)
    with pytest.raises(DraftError, match="another clinic"):
        issue_draft(actor=system_actor, invoice=foreign)
