"""The input contract for patient registration and edits."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from practica.patients.models import Patient
from practica.patients.phones import InvalidPhoneNumberError, to_e164
from practica.patients.services import EARLIEST_DATE_OF_BIRTH, PatientData

PHONE_MESSAGE = "enter a valid phone number, e.g. 416-555-0123"

# Fields whose change may make a patient look like another one.
IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth", "phone")


class DateInput(forms.DateInput):
    input_type = "date"


class PatientForm(forms.Form):
    first_name = forms.CharField(
        max_length=100,
        error_messages={"required": "enter the patient's first name."},
    )
    last_name = forms.CharField(
        max_length=100,
        error_messages={"required": "enter the patient's last name."},
    )
    preferred_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(
        widget=DateInput(format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "enter the date of birth.",
            "invalid": "enter a date as YYYY-MM-DD, e.g. 1980-04-23.",
        },
    )
    sex = forms.ChoiceField(
        choices=Patient.Sex.choices,
        initial=Patient.Sex.UNKNOWN,
        error_messages={"invalid_choice": "choose one of the options."},
    )
    email = forms.EmailField(
        max_length=254,
        required=False,
        error_messages={
            "invalid": "enter a valid email address, e.g. name@example.com."
        },
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=50, required=False, label="Province or state")
    postal_code = forms.CharField(
        max_length=20, required=False, label="Postal or ZIP code"
    )
    preferred_language = forms.CharField(
        max_length=40, required=False, initial="English"
    )
    emergency_contact_name = forms.CharField(
        max_length=150, required=False, label="Emergency contact name"
    )
    emergency_contact_phone = forms.CharField(
        max_length=40,
        required=False,
        label="Emergency contact phone",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    has_email_consent = forms.BooleanField(
        required=False, label="Agrees to receive email"
    )
    has_sms_consent = forms.BooleanField(
        required=False, label="Agrees to receive text messages (SMS)"
    )

    def clean_first_name(self) -> str:
        return self._required_text("first_name", "enter the patient's first name.")

    def clean_last_name(self) -> str:
        return self._required_text("last_name", "enter the patient's last name.")

    def _required_text(self, name: str, message: str) -> str:
        value: str = self.cleaned_data[name].strip()
        if not value:
            raise forms.ValidationError(message, code="required")
        return value

    def clean_date_of_birth(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError("cannot be in the future.", code="future")
        if value < EARLIEST_DATE_OF_BIRTH:
            raise forms.ValidationError(
                "cannot be before 1900-01-01.", code="too_early"
            )
        return value

    def clean_email(self) -> str:
        value: str = self.cleaned_data["email"]
        return value.strip().lower()

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_emergency_contact_phone(self) -> str:
        return self._phone("emergency_contact_phone")

    def _phone(self, name: str) -> str:
        raw: str = self.cleaned_data[name].strip()
        if not raw:
            return ""
        try:
            return to_e164(raw)
        except InvalidPhoneNumberError:
            raise forms.ValidationError(PHONE_MESSAGE, code="invalid") from None

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean()
        if cleaned is None:
            return None
        if (
            cleaned.get("has_sms_consent")
            and not cleaned.get("phone")
            and ("phone" not in self.errors)
        ):
            self.add_error(
                "has_sms_consent", "add a phone number to send text messages."
            )
        if (
            cleaned.get("has_email_consent")
            and not cleaned.get("email")
            and ("email" not in self.errors)
        ):
            self.add_error("has_email_consent", "add an email address to send email.")
        return cleaned

    def to_data(self) -> PatientData:
        """The validated input as service data (call after is_valid())."""
        c = self.cleaned_data
        return PatientData(
            first_name=c["first_name"],
            last_name=c["last_name"],
            preferred_name=c["preferred_name"].strip(),
            date_of_birth=c["date_of_birth"],
            sex=c["sex"],
            email=c["email"],
            phone=c["phone"],
            street=c["street"].strip(),
            city=c["city"].strip(),
            region=c["region"].strip(),
            postal_code=c["postal_code"].strip().upper(),
            preferred_language=c["preferred_language"].strip() or "English",
            emergency_contact_name=c["emergency_contact_name"].strip(),
            emergency_contact_phone=c["emergency_contact_phone"],
            has_email_consent=c["has_email_consent"],
            has_sms_consent=c["has_sms_consent"],
        )

    def identity_changed(self) -> bool:
        """True when a field used for duplicate detection changed."""
        return any(name in self.changed_data for name in IDENTITY_FIELDS)


def initial_for(patient: Patient) -> dict[str, object]:
    """Form initial values from a stored patient (for the edit page)."""
    return {name: getattr(patient, name) for name in PatientForm.base_fields}
