from django import forms
from django.core.validators import RegexValidator

TAX_NUMBER = RegexValidator(
    r"^[A-Za-z0-9 -]*$",
    "Use letters, digits, spaces and hyphens only, e.g. 123456789 RT0001.",
)


class ClinicBillingForm(forms.Form):
    tax_registration_number = forms.CharField(
        label="Sales tax registration number",
        max_length=40,
        required=False,
        validators=[TAX_NUMBER],
        help_text="Printed on invoices and receipts (GST/HST: 123456789 RT0001)",
    )


class ClinicSecurityForm(forms.Form):
    is_mfa_required = forms.BooleanField(
        required=False, label="Require an authenticator app for all staff"
    )
    idle_timeout_minutes = forms.IntegerField(
        min_value=1, max_value=240, label="Log off after this many idle minutes"
    )
