import datetime

import pytest
import time_machine

from practica.patients.forms import PatientForm

VALID = {
    "first_name": "Avery",
    "last_name": "Testperson",
    "date_of_birth": "1985-06-15",
    "sex": "female",
    "email": "",
    "phone": "",
    "preferred_language": "English",
}


def _errors(**changes: str) -> dict[str, list[str]]:
    form = PatientForm({**VALID, **changes})
    form.is_valid()
    return dict(form.errors)


def test_valid_form_produces_service_data() -> None:
    # given
    form = PatientForm(
        {
            **VALID,
            "first_name": "  Avery ",
            "email": "Avery@Example.TEST",
            "phone": "(416) 555-0123",
            "emergency_contact_phone": "+1 613 555 0100",
            "postal_code": "m5h 2n2",
            "has_sms_consent": "on",
        }
    )

    # when
    is_valid = form.is_valid()
    data = form.to_data()

    # then
    assert is_valid is True
    assert data.first_name == "Avery"
    assert data.email == "avery@example.test"
    assert data.phone == "+14165550123"
    assert data.emergency_contact_phone == "+16135550100"
    assert data.postal_code == "M5H 2N2"
    assert data.date_of_birth == datetime.date(1985, 6, 15)
    assert data.has_sms_consent is True
    assert data.has_email_consent is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "enter the patient's first name."),
        ({"first_name": "   "}, "first_name", "enter the patient's first name."),
        ({"last_name": ""}, "last_name", "enter the patient's last name."),
        ({"date_of_birth": ""}, "date_of_birth", "enter the date of birth."),
        (
            {"date_of_birth": "15/06/1985"},
            "date_of_birth",
            "enter a date as YYYY-MM-DD, e.g. 1980-04-23.",
        ),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", "cannot be in the future."),
        (
            {"date_of_birth": "1899-12-31"},
            "date_of_birth",
            "cannot be before 1900-01-01.",
        ),
        (
            {"email": "not-an-email"},
            "email",
            "enter a valid email address, e.g. name@example.com.",
        ),
        (
            {"phone": "555-0123"},
            "phone",
            "enter a valid phone number, e.g. 416-555-0123",
        ),
        (
            {"phone": "call me"},
            "phone",
            "enter a valid phone number, e.g. 416-555-0123",
        ),
        (
            {"emergency_contact_phone": "123"},
            "emergency_contact_phone",
            "enter a valid phone number, e.g. 416-555-0123",
        ),
        ({"sex": "robot"}, "sex", "choose one of the options."),
        (
            {"has_sms_consent": "on"},
            "has_sms_consent",
            "add a phone number to send text messages.",
        ),
        (
            {"has_email_consent": "on"},
            "has_email_consent",
            "add an email address to send email.",
        ),
    ],
)
def test_invalid_input_names_the_field(
    changes: dict[str, str], field: str, message: str
) -> None:
    # when
    errors = _errors(**changes)

    # then
    assert errors == {field: [message]}


@time_machine.travel(datetime.datetime(2024, 3, 10, 12, tzinfo=datetime.UTC))
def test_date_of_birth_today_is_accepted() -> None:
    # when
    errors = _errors(date_of_birth="2024-03-10")

    # then
    assert errors == {}


def test_sms_consent_with_invalid_phone_reports_only_the_phone() -> None:
    # when
    errors = _errors(phone="12", has_sms_consent="on")

    # then
    assert errors == {"phone": ["enter a valid phone number, e.g. 416-555-0123"]}
