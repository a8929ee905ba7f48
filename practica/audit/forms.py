from collections.abc import Sequence
from typing import Any

from django import forms


class AuditFilterForm(forms.Form):
    patient = forms.UUIDField(required=False, label="Patient id")
    user = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Staff member"
    )
    start_on = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end_on = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, members: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Anyone"), *members]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and start > end:
            self.add_error("end_on", "The end date is before the start date.")
        return data
