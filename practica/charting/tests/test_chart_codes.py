"""The shipped code lists and their search."""

from __future__ import annotations

import pytest

from practica.charting.codes import MAX_LIMIT, CodeSystem, load, lookup, search


def test_icd10_search_by_code_prefix_ignores_case_and_dots() -> None:
    assert [c.code for c in search(CodeSystem.ICD10, "m54.5")] == [
        "M54.50",
        "M54.51",
        "M54.59",
    ]


def test_icd10_search_by_words_matches_word_prefixes() -> None:
    assert [c.code for c in search(CodeSystem.ICD10, "generalized anx")] == ["F41.1"]


def test_cvx_search_by_code_and_words() -> None:
    assert [c.code for c in search(CodeSystem.CVX, "158")] == ["158"]
    assert [c.code for c in search(CodeSystem.CVX, "zoster")] == ["187"]


@pytest.mark.parametrize(("limit", "expected"), [(0, 1), (3, 3), (500, MAX_LIMIT)])
def test_search_limit_is_clamped(limit: int, expected: int) -> None:
    assert len(search(CodeSystem.ICD10, "m", limit=limit)) == expected


def test_blank_query_finds_nothing() -> None:
    assert search(CodeSystem.ICD10, "   ") == []


def test_lookup_normalises_the_code() -> None:
    found = lookup(CodeSystem.ICD10, " e11.9 ")
    assert found is not None
    assert found.label == "E11.9 Type 2 diabetes mellitus without complications"
    assert lookup(CodeSystem.ICD10, "M54.5") is None  # a category, not a code


def test_shipped_lists_have_unique_codes() -> None:
    for system in CodeSystem:
        codes = [c.key for c in load(system)]
        assert len(codes) == len(set(codes))
    assert len(load(CodeSystem.ICD10)) == 74795  # every billable code, April 2026
    assert len(load(CodeSystem.CVX)) == 28


def test_icd10_lists_every_billable_code_with_seventh_characters() -> None:
    # a leaf without 7th characters, and a leaf taking each 7th character
    assert lookup(CodeSystem.ICD10, "M72.2") is not None
    sprain = [lookup(CodeSystem.ICD10, f"S83.511{c}") for c in "ADS"]
    assert [c.display for c in sprain if c] == [
        "Sprain of anterior cruciate ligament of right knee, initial encounter",
        "Sprain of anterior cruciate ligament of right knee, subsequent encounter",
        "Sprain of anterior cruciate ligament of right knee, sequela",
    ]
    # placeholders pad a short code to six characters before the 7th
    assert lookup(CodeSystem.ICD10, "S30.0XXA") is not None
    assert lookup(CodeSystem.ICD10, "S83.511") is None  # needs its 7th character


def test_icd10_word_search_puts_the_shortest_titles_first() -> None:
    found = [c.code for c in search(CodeSystem.ICD10, "low back", limit=3)]
    assert found == ["M54.50", "M54.51", "M54.59"]


def test_a_word_prefix_matching_thousands_of_codes_still_answers_in_order() -> None:
    found = search(CodeSystem.ICD10, "fracture left", limit=MAX_LIMIT)
    assert len(found) == MAX_LIMIT
    lengths = [len(c.words) for c in found]
    assert lengths == sorted(lengths)
