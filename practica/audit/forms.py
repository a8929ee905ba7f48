from django import forms


class AuditFilterForm(forms.Form):
    patient = forms.UUIDField(required=False, label="Patient id")
    user = forms.IntegerField(required=False, min_value=1, label="User id")
    start_on = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end_on = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and start > end:
            self.add_error("end_on", "The end date is before the start date.")
        return data
