"""Daily close and revenue pages: success, forbidden, invalid, query counts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.billing.models import DailyClose, Deposit, Payment
from practica.billing.tests.factories_daily import DepositFactory, make_paid
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import BILLING, PROVIDER

MemberFactory = Callable[..., Membership]
ClientFor = Callable[[Membership], Client]
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
DAY = dt.date(2026, 3, 10)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 10, hour, minute, tzinfo=TORONTO)


def main(clinic: Clinic) -> Location:
    return Location.objects.for_clinic(clinic).order_by("pk").first()  # type: ignore[no-any-return]  # the clinic's first location


@pytest.fixture
def billing_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [BILLING]))


@pytest.fixture
def provider_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [PROVIDER]))


def close_url(location: Location, day: dt.date = DAY) -> str:
    return f"{reverse('billing:close-report')}?date={day}&location={location.pk}"


def deposit_data(location: Location, **extra: str) -> dict[str, object]:
    return {
        "location": location.pk,
        "business_on": DAY.isoformat(),
        "method": "cash",
        "amount": "80.00",
        "reference": "slip 1",
        **extra,
    }


@pytest.mark.django_db
def test_close_page_shows_the_day_and_highlights_a_difference(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a cash payment of 100.00 and a deposit of 80.00
    location = main(clinic)
    make_paid(clinic, amount=Decimal("100.00"), received_at=at(10))
    DepositFactory(location=location, business_on=DAY, amount=Decimal("80.00"))
    # when the page is opened
    response = billing_client.get(close_url(location))
    # then the figures show, the difference highlighted, and both forms offered
    body = response.content.decode()
    assert response.status_code == 200
    assert "$100.00" in body
    assert "$80.00" in body
    assert '<strong class="error" data-off>-$20.00</strong>' in body
    assert reverse("billing:deposit-create") in body
    assert reverse("billing:day-close") in body


@pytest.mark.django_db
def test_close_page_defaults_to_today_at_the_first_location(
    billing_client: Client,
) -> None:
    response = billing_client.get(reverse("billing:close-report"))
    assert response.status_code == 200
    assert "No payments, refunds or deposits this day." in response.content.decode()


@pytest.mark.django_db
def test_close_page_refuses_a_bad_date(clinic: Clinic, billing_client: Client) -> None:
    response = billing_client.get(
        f"{reverse('billing:close-report')}?date=2026-13-40&location={main(clinic).pk}"
    )
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.django_db
def test_close_page_of_another_clinics_location_is_not_found(
    other_clinic: Clinic, billing_client: Client
) -> None:
    response = billing_client.get(close_url(main(other_clinic)))
    assert response.status_code == 404


@pytest.mark.django_db
def test_close_page_is_forbidden_without_billing(
    clinic: Clinic, provider_client: Client
) -> None:
    response = provider_client.get(close_url(main(clinic)))
    assert response.status_code == 403


@pytest.mark.django_db
def test_close_page_queries_do_not_grow_with_the_day(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a day with one payment, then with five and three deposits
    location = main(clinic)
    make_paid(clinic, amount=Decimal("10.00"), received_at=at(9))
    billing_client.get(close_url(location))  # the session's first request
    with CaptureQueriesContext(connection) as small:
        billing_client.get(close_url(location))
    for hour in range(10, 14):
        make_paid(clinic, amount=Decimal("10.00"), received_at=at(hour))
        DepositFactory(location=location, business_on=DAY)
    # when the page is opened again
    with CaptureQueriesContext(connection) as large:
        response = billing_client.get(close_url(location))
    # then it costs the same number of queries
    assert response.status_code == 200
    assert len(large) == len(small) == 12


@pytest.mark.django_db
def test_deposit_is_recorded_and_redirects_to_the_day(
    clinic: Clinic, billing_client: Client
) -> None:
    location = main(clinic)
    response = billing_client.post(
        reverse("billing:deposit-create"), deposit_data(location)
    )
    assert response.status_code == 302
    assert response["Location"] == close_url(location)
    deposit = Deposit.objects.get()
    assert (deposit.method, deposit.amount, deposit.reference) == (
        "cash",
        Decimal("80.00"),
        "slip 1",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount": "80.005"}, "Amount: The amount can have at most 2 decimal places."),
        ({"amount": "-1"}, "Amount: The amount must be more than 0."),
        ({"method": "bitcoin"}, "Select a valid choice."),
    ],
)
def test_bad_deposit_is_refused_with_its_field_and_nothing_saved(
    clinic: Clinic, billing_client: Client, extra: dict[str, str], message: str
) -> None:
    response = billing_client.post(
        reverse("billing:deposit-create"), deposit_data(main(clinic), **extra)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_deposit_is_forbidden_without_billing(
    clinic: Clinic, provider_client: Client
) -> None:
    response = provider_client.post(
        reverse("billing:deposit-create"), deposit_data(main(clinic))
    )
    assert response.status_code == 403
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_deposit_to_another_clinics_location_is_not_found(
    other_clinic: Clinic, billing_client: Client
) -> None:
    response = billing_client.post(
        reverse("billing:deposit-create"), deposit_data(main(other_clinic))
    )
    assert response.status_code == 404
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_closing_the_day_freezes_it_and_refuses_later_deposits(
    clinic: Clinic, billing_client: Client
) -> None:
    # given a day with a payment
    location = main(clinic)
    make_paid(
        clinic, amount=Decimal("50.00"), method=Payment.Method.CARD, received_at=at(9)
    )
    # when it is closed, then a deposit is attempted
    closed = billing_client.post(
        reverse("billing:day-close"),
        {"location": location.pk, "business_on": DAY.isoformat(), "note": "Late"},
    )
    refused = billing_client.post(
        reverse("billing:deposit-create"), deposit_data(location)
    )
    page = billing_client.get(close_url(location))
    # then the close is kept, the deposit refused, and the page says closed
    assert closed.status_code == 302
    assert DailyClose.objects.get().difference == Decimal("-50.00")
    assert refused.status_code == 422
    assert "This day is closed; it takes no more deposits." in refused.content.decode()
    assert Deposit.objects.count() == 0
    assert "data-closed" in page.content.decode()
    assert reverse("billing:deposit-create") not in page.content.decode()


@pytest.mark.django_db
def test_close_with_a_bad_day_is_refused(
    clinic: Clinic, billing_client: Client
) -> None:
    response = billing_client.post(
        reverse("billing:day-close"),
        {"location": main(clinic).pk, "business_on": "yesterday"},
    )
    assert response.status_code == 422
    assert DailyClose.objects.count() == 0


@pytest.mark.django_db
def test_close_is_forbidden_without_billing(
    clinic: Clinic, provider_client: Client
) -> None:
    response = provider_client.post(
        reverse("billing:day-close"),
        {"location": main(clinic).pk, "business_on": DAY.isoformat()},
    )
    assert response.status_code == 403
    assert DailyClose.objects.count() == 0


@pytest.mark.django_db
def test_revenue_page_and_csv(clinic: Clinic, billing_client: Client) -> None:
    # given a cash payment on 10 March 2026
    make_paid(clinic, amount=Decimal("100.00"), received_at=at(10))
    # when the page and the export are requested
    page = billing_client.get(f"{reverse('billing:revenue-report')}?year=2026")
    export = billing_client.get(f"{reverse('billing:revenue-csv')}?year=2026")
    # then both show March's collection
    assert page.status_code == 200
    assert '<tr data-month="3"><th scope="row">Mar</th>' in page.content.decode()
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="revenue-2026.csv"'
    lines = export.content.decode().splitlines()
    assert lines[0] == "section,name,month,invoiced,tax,collected,written_off"
    assert lines[3] == "clinic,,2026-03,0.00,0.00,100.00,0.00"


@pytest.mark.django_db
def test_revenue_refuses_a_bad_year(billing_client: Client) -> None:
    page = billing_client.get(f"{reverse('billing:revenue-report')}?year=abc")
    export = billing_client.get(f"{reverse('billing:revenue-csv')}?year=1800")
    assert page.status_code == 400
    assert export.status_code == 400


@pytest.mark.django_db
def test_revenue_is_forbidden_without_billing(provider_client: Client) -> None:
    assert provider_client.get(reverse("billing:revenue-report")).status_code == 403
    assert provider_client.get(reverse("billing:revenue-csv")).status_code == 403
