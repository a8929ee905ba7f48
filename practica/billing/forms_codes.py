"""Input contracts of the procedure code pages: the list's filters, the
pickers' search and the file load. Query strings take only the parameters
named here; anything else is refused, naming it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from practica.billing.code_files import MAX_FILE_BYTES, MAX_ROWS
from practica.billing.models import ProcedureCode
from practica.billing.selectors_codes import (
    SEARCH_DEFAULT_LIMIT,
    SEARCH_MAX_LIMIT,
    CodeStatus,
)

QUERY_MAX = 100
ADD = "add"
REPLACE = "replace"


class _WhitelistedForm(forms.Form):
    ALLOWED: frozenset[str] = frozenset()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = sorted(set(self.data) - self.ALLOWED)
        if unknown:
            raise forms.ValidationError(f"Unknown parameter: {', '.join(unknown)}.")
        return cleaned

    def messages(self) -> list[str]:
        """Every problem as "<parameter>: <message>"."""
        return [
            f"{name}: {error}" if name != "__all__" else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]


class CodeListForm(_WhitelistedForm):
    """?q=...&system=...&status=...&page=N"""

    ALLOWED = frozenset({"q", "system", "status", "page"})

    q = forms.CharField(
        label="Search",
        max_length=QUERY_MAX,
        required=False,
        help_text="A code, or words of its description",
    )
    system = forms.ChoiceField(
        choices=[("", "All systems"), *ProcedureCode.System.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[
            (CodeStatus.ACTIVE.value, "Active"),
            (CodeStatus.INACTIVE.value, "Inactive"),
            (CodeStatus.ALL.value, "All"),
        ],
        required=False,
    )
    page = forms.IntegerField(
        min_value=1, required=False, widget=forms.HiddenInput, max_value=100_000
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["status"] = cleaned.get("status") or CodeStatus.ACTIVE.value
        return cleaned


class CodeSearchForm(_WhitelistedForm):
    """?q=...&system=cpt|hcpcs|local&limit=N, for a picker's options."""

    ALLOWED = frozenset({"q", "system", "limit"})

    q = forms.CharField(required=False, max_length=QUERY_MAX)
    system = forms.ChoiceField(
        choices=[("", ""), *ProcedureCode.System.choices],
        required=False,
        error_messages={"invalid_choice": "Use cpt, hcpcs or local."},
    )
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=SEARCH_MAX_LIMIT,
        error_messages={
            "invalid": "Enter a whole number.",
            "min_value": f"Use 1 to {SEARCH_MAX_LIMIT}.",
            "max_value": f"Use 1 to {SEARCH_MAX_LIMIT}.",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["limit"] = cleaned.get("limit") or SEARCH_DEFAULT_LIMIT
        return cleaned


class CodeLoadForm(forms.Form):
    system = forms.ChoiceField(
        label="Code system",
        choices=[("", "Choose the file's code system"), *ProcedureCode.System.choices],
        error_messages={"required": "Choose the code system of the file."},
    )
    mode = forms.ChoiceField(
        label="How to load",
        choices=[
            (ADD, "Add new codes and update known ones; keep the rest"),
            (
                REPLACE,
                "Replace the list: codes not in the file become inactive "
                "(never deleted)",
            ),
        ],
        initial=ADD,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 CSV with the header code,description (a third column, "
            f"long description, is optional); at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} codes."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file.",
            "empty": "The file is empty.",
        },
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            # Refused before it is read into memory.
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than {limit} MB.")
        return upload

    @property
    def replace(self) -> bool:
        return bool(self.cleaned_data["mode"] == REPLACE)
