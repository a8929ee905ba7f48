from django import forms


class ClinicSecurityForm(forms.Form):
    is_mfa_required = forms.BooleanField(
        required=False, label="Require an authenticator app for all staff"
    )
    idle_timeout_minutes = forms.IntegerField(
        min_value=1, max_value=240, label="Log off after this many idle minutes"
    )
