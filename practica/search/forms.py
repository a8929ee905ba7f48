"""Input contracts of the search pages: the query, the sort, the page.

Only the parameters named here are accepted; any other is refused (422)
with its name, so a search URL carries nothing unexpected.
"""

from __future__ import annotations

from typing import Any

from django import forms

from practica.search.errors import InvalidSearchError
from practica.search.terms import MAX_LENGTH, Terms, parse_terms

SORTS = (("relevance", "Relevance"), ("date", "Newest first"))
PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 50


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search this chart",
        strip=False,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "maxlength": MAX_LENGTH, "autocomplete": "off"}
        ),
        help_text='Words, "a phrase", or -word to leave out.',
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort")

    def clean_q(self) -> Terms:
        try:
            return parse_terms(self.cleaned_data.get("q") or "")
        except InvalidSearchError as exc:
            raise forms.ValidationError(str(exc).removeprefix("Search: ")) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = sorted(set(self.data) - set(self.fields))
        if unknown:
            raise forms.ValidationError(
                "Unknown search parameter: %(names)s.",
                params={"names": ", ".join(unknown)[:100]},
            )
        return cleaned

    @property
    def terms(self) -> Terms:
        terms: Terms = self.cleaned_data["q"]
        return terms

    @property
    def sort_value(self) -> str:
        return str(self.cleaned_data.get("sort") or "relevance")


class ClinicSearchForm(PatientSearchForm):
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )
    size = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=None,
        initial=DEFAULT_PAGE_SIZE,
        label="Patients per page",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = "Search the clinic's charts"

    @property
    def page_value(self) -> int:
        return int(self.cleaned_data.get("page") or 1)

    @property
    def size_value(self) -> int:
        return int(self.cleaned_data.get("size") or DEFAULT_PAGE_SIZE)
