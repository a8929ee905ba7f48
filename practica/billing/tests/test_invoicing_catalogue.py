"""The catalogue: services and pages (items, fee rows, discounts)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.models import CatalogItem, Discount, Price, TaxCategory
from practica.billing.services.catalogue import (
    CatalogueError,
    add_price,
    create_discount,
    create_item,
    delete_item,
    remove_price,
    set_item_active,
    update_item,
)
from practica.billing.services.drafts import add_item_line
from practica.billing.tests.factories_invoicing import (
    CatalogItemFactory,
    DiscountFactory,
    PriceFactory,
    make_draft,
)
from practica.scheduling.tests.factories import AppointmentTypeFactory, ProviderFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK

pytestmark = pytest.mark.django_db


def _item(actor: Actor, **fields: object) -> CatalogItem:
    values: dict[str, object] = {
        "kind": CatalogItem.Kind.PRODUCT,
        "code": "FR",
        "name": "Foam roller",
        "default_price": Decimal("35.00"),
        "tax_category": TaxCategory.GOODS,
        **fields,
    }
    return create_item(actor=actor, **values)  # type: ignore[arg-type]


def test_a_manager_adds_an_item_and_it_is_audited(
    clinic: Clinic, owner_actor: Actor
) -> None:
    item = _item(owner_actor, code=" FR ", name=" Foam roller ")
    assert (item.code, item.name, item.default_price, item.is_active) == (
        "FR",
        "Foam roller",
        Decimal("35.00"),
        True,
    )
    assert AuditEntry.objects.filter(
        action="create", object_type="billing.catalogitem", object_id=str(item.pk)
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"default_price": Decimal("35.001")}, "default_price"),
        ({"default_price": Decimal("-1")}, "default_price"),
        ({"code": ""}, "code"),
        ({"kind": "voucher"}, "kind"),
        ({"tax_category": "luxury"}, "tax_category"),
    ],
)
def test_bad_items_are_refused(
    clinic: Clinic, owner_actor: Actor, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(CatalogueError) as refused:
        _item(owner_actor, **fields)
    assert refused.value.field == field
    assert CatalogItem.objects.count() == 0


def test_codes_and_visit_types_are_unique_among_items(
    clinic: Clinic, owner_actor: Actor
) -> None:
    kind = AppointmentTypeFactory(clinic=clinic)
    _item(owner_actor, kind="service", code="PT", appointment_type=kind)
    with pytest.raises(CatalogueError, match="code"):
        _item(owner_actor, code="pt")
    with pytest.raises(CatalogueError, match="visit type") as refused:
        _item(owner_actor, kind="service", code="PT2", appointment_type=kind)
    assert refused.value.field == "appointment_type"
    with pytest.raises(CatalogueError, match="Only a service"):
        _item(owner_actor, code="X", appointment_type=kind)


def test_only_a_manager_changes_the_catalogue(
    clinic: Clinic, front_desk_actor: Actor
) -> None:
    with pytest.raises(CatalogueError, match="clinic manager"):
        _item(front_desk_actor)


def test_update_keeps_the_kind(clinic: Clinic, owner_actor: Actor) -> None:
    item = _item(owner_actor)
    changed = update_item(
        actor=owner_actor,
        item=item,
        code="FR-L",
        name="Foam roller (large)",
        default_price=Decimal("45.00"),
        tax_category=TaxCategory.GOODS,
    )
    changed.refresh_from_db()
    assert (changed.kind, changed.code, changed.default_price) == (
        "product",
        "FR-L",
        Decimal("45.00"),
    )


def test_a_billed_item_is_deactivated_never_deleted(
    clinic: Clinic, owner_actor: Actor
) -> None:
    # given an item sold on a draft
    item = _item(owner_actor)
    add_item_line(actor=owner_actor, invoice=make_draft(clinic), item=item)
    # then it cannot be deleted, only deactivated
    with pytest.raises(CatalogueError, match="deactivate it"):
        delete_item(actor=owner_actor, item=item)
    set_item_active(actor=owner_actor, item=item, is_active=False)
    item.refresh_from_db()
    assert item.is_active is False
    # and an inactive item is no longer sold
    with pytest.raises(Exception, match="no longer sold"):
        add_item_line(actor=owner_actor, invoice=make_draft(clinic), item=item)


def test_an_unbilled_item_can_be_deleted(clinic: Clinic, owner_actor: Actor) -> None:
    item = _item(owner_actor)
    PriceFactory(item=item)
    delete_item(actor=owner_actor, item=item)
    assert (CatalogItem.objects.count(), Price.objects.count()) == (0, 0)


def test_fee_rows_one_per_day_and_removable_only_before_they_apply(
    clinic: Clinic, owner_actor: Actor
) -> None:
    item = _item(owner_actor)
    provider = ProviderFactory(clinic=clinic)
    with time_machine.travel(dt.datetime(2030, 3, 1, 12, tzinfo=dt.UTC)):
        future = add_price(
            actor=owner_actor,
            item=item,
            amount=Decimal("40.00"),
            effective_from=dt.date(2030, 4, 1),
            provider=provider,
        )
        past = add_price(
            actor=owner_actor,
            item=item,
            amount=Decimal("38.00"),
            effective_from=dt.date(2030, 1, 1),
        )
        for who in (provider, None):
            with pytest.raises(CatalogueError, match="already starts") as refused:
                add_price(
                    actor=owner_actor,
                    item=item,
                    amount=Decimal("39.00"),
                    effective_from=dt.date(2030, 4 if who else 1, 1),
                    provider=who,
                )
            assert refused.value.field == "effective_from"
        with pytest.raises(CatalogueError, match="already in force"):
            remove_price(actor=owner_actor, price=past)
        remove_price(actor=owner_actor, price=future)
    assert list(Price.objects.values_list("amount", flat=True)) == [Decimal("38.00")]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"percent": Decimal("0")}, "percent"),
        ({"percent": Decimal("100.5")}, "percent"),
        ({"amount": Decimal("5.001")}, "amount"),
        ({}, "percent"),
        ({"percent": Decimal("10"), "amount": Decimal("5")}, "percent"),
    ],
)
def test_bad_discounts_are_refused(
    clinic: Clinic, owner_actor: Actor, kwargs: dict[str, Decimal], field: str
) -> None:
    with pytest.raises(CatalogueError) as refused:
        create_discount(actor=owner_actor, name="Senior", **kwargs)
    assert refused.value.field == field
    assert Discount.objects.count() == 0


def test_named_discounts(clinic: Clinic, owner_actor: Actor) -> None:
    senior = create_discount(actor=owner_actor, name="Senior 10%", percent=Decimal(10))
    staff = create_discount(actor=owner_actor, name="Staff", amount=Decimal("25.00"))
    assert (senior.amount_off(Decimal("80")), staff.amount_off(Decimal("20"))) == (
        Decimal("8"),
        Decimal("20"),
    )
    with pytest.raises(CatalogueError, match="has this name"):
        create_discount(actor=owner_actor, name="senior 10%", percent=Decimal(5))


# Pages


def test_catalogue_page_lists_items_in_constant_queries(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_for(member_factory(clinic, [BILLING]))
    client.get(reverse("billing:catalogue"))  # the session's first page
    for n in range(5):
        CatalogItemFactory(
            clinic=clinic,
            kind="service",
            appointment_type=AppointmentTypeFactory(clinic=clinic),
            code=f"S{n}",
        )
    DiscountFactory(clinic=clinic)
    # session, user, membership + roles, items (with types), discounts
    with django_assert_num_queries(6):  # type: ignore[operator]
        response = client.get(reverse("billing:catalogue"))
    assert response.status_code == 200
    assert response.content.count(b"/billing/catalogue/items/") == 5
    assert b"Add an item" not in response.content


def test_owner_adds_an_item_through_the_page(
    clinic: Clinic, owner_member: Membership, client_for: Callable[[Membership], Client]
) -> None:
    response = client_for(owner_member).post(
        reverse("billing:catalog-item-create"),
        {
            "kind": "product",
            "code": "RB",
            "name": "Resistance band",
            "default_price": "12.50",
            "tax_category": "goods",
        },
    )
    item = CatalogItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "billing:catalog-item-detail", kwargs={"item_id": item.pk}
    )
    assert item.default_price == Decimal("12.50")


def test_a_three_decimal_price_is_refused_on_the_page(
    clinic: Clinic, owner_member: Membership, client_for: Callable[[Membership], Client]
) -> None:
    response = client_for(owner_member).post(
        reverse("billing:catalog-item-create"),
        {
            "kind": "product",
            "code": "RB",
            "name": "Band",
            "default_price": "12.505",
            "tax_category": "goods",
        },
    )
    assert response.status_code == 422
    assert b"decimal places" in response.content
    assert CatalogItem.objects.count() == 0


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
def test_only_managers_may_post_catalogue_changes(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    role: str,
) -> None:
    response = client_for(member_factory(clinic, [role])).post(
        reverse("billing:discount-create"),
        {"name": "Staff", "kind": "percent", "value": "50"},
    )
    assert response.status_code == 403
    assert Discount.objects.count() == 0


def test_item_page_shows_the_fee_schedule_and_adds_a_row(
    clinic: Clinic, owner_member: Membership, client_for: Callable[[Membership], Client]
) -> None:
    owner = owner_member
    item = CatalogItemFactory(clinic=clinic)
    provider = ProviderFactory(clinic=clinic, display_name="Dr Senior")
    client = client_for(owner)
    url = reverse("billing:catalog-item-detail", kwargs={"item_id": item.pk})
    added = client.post(
        reverse("billing:price-create", kwargs={"item_id": item.pk}),
        {"amount": "120.00", "effective_from": "2030-01-01", "provider": provider.pk},
    )
    page = client.get(url)
    assert (added.status_code, page.status_code) == (302, 200)
    assert b"Dr Senior" in page.content
    assert b"$120.00" in page.content


def test_another_clinics_item_is_not_found(
    clinic: Clinic,
    other_clinic: Clinic,
    owner_member: Membership,
    client_for: Callable[[Membership], Client],
) -> None:
    item = CatalogItemFactory(clinic=other_clinic)
    response = client_for(owner_member).get(
        reverse("billing:catalog-item-detail", kwargs={"item_id": item.pk})
    )
    assert response.status_code == 404
