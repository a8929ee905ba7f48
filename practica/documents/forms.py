"""Input contracts for the documents pages."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from practica.documents.models import Document
from practica.documents.services import REASON_MAX

ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


class DocumentUploadForm(forms.Form):
    """One file, from the file picker (or drop zone) or a tablet's camera."""

    category = forms.ChoiceField(choices=Document.Category.choices)
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to use the file name.",
    )
    file = forms.FileField(
        required=False,
        label="File",
        help_text="PDF, PNG or JPEG. Drop a file here or choose one.",
        widget=forms.FileInput(attrs={"accept": ACCEPT, "data-drop-input": ""}),
    )
    photo = forms.FileField(
        required=False,
        label="Or take a photo",
        widget=forms.FileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        given = [f for f in (cleaned.get("file"), cleaned.get("photo")) if f]
        if not given:
            self.add_error("file", "Choose a file or take a photo.")
        elif len(given) > 1:
            self.add_error("photo", "Send one file at a time: a file or a photo.")
        return cleaned

    def upload(self) -> UploadedFile:
        chosen = self.cleaned_data.get("file") or self.cleaned_data["photo"]
        assert isinstance(chosen, UploadedFile)  # guaranteed by clean()
        return chosen


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.TextInput,
        help_text="Why this document does not belong in the chart.",
    )


class DocumentSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search documents")
