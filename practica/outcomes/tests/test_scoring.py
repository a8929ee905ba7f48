"""Scoring of every measure: totals, bands, flags, edges and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from practica.outcomes.errors import InvalidResponseError
from practica.outcomes.measures import GAD7, LEFS, MEASURES, NPRS, ODI, PHQ9, Measure
from practica.outcomes.scoring import score_answers


def _all(measure: Measure, value: int | None) -> dict[str, int | None]:
    return {item.key: value for item in measure.items}


def _summing(measure: Measure, total: int) -> dict[str, int]:
    """Answers adding up to `total`, filled from the first item."""
    answers = {}
    for item in measure.items:
        answers[item.key] = min(total, measure.max_option)
        total -= answers[item.key]
    return answers


def test_registry_codes_are_stable() -> None:
    assert list(MEASURES) == ["nprs", "phq9", "gad7", "odi", "lefs"]
    assert [len(m.items) for m in MEASURES.values()] == [1, 9, 7, 10, 20]


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "No pain"),
        (1, "Mild"),
        (3, "Mild"),
        (4, "Moderate"),
        (7, "Severe"),
        (10, "Severe"),
    ],
)
def test_nprs_scores_the_single_rating(pain: int, band: str) -> None:
    scored = score_answers(NPRS, {"pain": pain})
    assert (scored.score, scored.band, scored.flags) == (Decimal(pain), band, [])


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
    ],
)
def test_phq9_bands(total: int, band: str) -> None:
    scored = score_answers(PHQ9, _summing(PHQ9, total))
    assert (scored.score, scored.band) == (Decimal(total), band)


def test_phq9_maximum_is_27_severe_and_flags_item_9() -> None:
    # when every item is answered "nearly every day"
    scored = score_answers(PHQ9, _all(PHQ9, 3))
    # then
    assert scored.score == Decimal(27)
    assert scored.band == "Severe"
    assert scored.flags == [
        "Item 9 (thoughts of self-harm) answered above 0: "
        "assess safety and follow up today."
    ]


def test_phq9_item_9_alone_raises_the_flag_at_a_minimal_total() -> None:
    answers = {**_all(PHQ9, 0), "q9": 1}
    scored = score_answers(PHQ9, answers)
    assert (scored.score, scored.band, len(scored.flags)) == (Decimal(1), "Minimal", 1)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (10, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_bands(total: int, band: str) -> None:
    scored = score_answers(GAD7, _summing(GAD7, total))
    assert (scored.score, scored.band, scored.flags) == (Decimal(total), band, [])


def test_odi_is_a_percentage_of_the_sections_answered() -> None:
    # all ten sections at 2: 20 / 50
    scored = score_answers(ODI, _all(ODI, 2))
    assert (scored.score, scored.band) == (Decimal("40.0"), "Moderate disability")


def test_odi_with_one_section_skipped_divides_by_45() -> None:
    # given nine sections answered, summing to 17, and "Sex life" left blank
    answers = {**_summing(ODI, 17), "s8": None}
    answers["s9"] = answers["s9"] or 0
    assert sum(v for v in answers.values() if v is not None) == 17
    # when
    scored = score_answers(ODI, answers)
    # then 17 / 45 = 37.78 %, shown to one decimal
    assert scored.score == Decimal("37.8")
    assert scored.band == "Moderate disability"
    assert scored.answers["s8"] is None


@pytest.mark.parametrize(
    ("value", "score", "band"),
    [
        (0, "0.0", "Minimal disability"),
        (1, "20.0", "Minimal disability"),
        (3, "60.0", "Severe disability"),
        (4, "80.0", "Crippling back pain"),
        (5, "100.0", "Bed-bound or exaggerating"),
    ],
)
def test_odi_bands(value: int, score: str, band: str) -> None:
    scored = score_answers(ODI, _all(ODI, value))
    assert (scored.score, scored.band) == (Decimal(score), band)


def test_odi_refuses_two_skipped_sections_naming_both() -> None:
    answers = {**_all(ODI, 1), "s3": None, "s7": None}
    with pytest.raises(InvalidResponseError) as caught:
        score_answers(ODI, answers)
    assert caught.value.errors == {
        "s3": ["Lifting: answer this item (at most 1 may be left blank)."],
        "s7": ["Sleeping: answer this item (at most 1 may be left blank)."],
    }


def test_lefs_maximum_is_80_with_no_band() -> None:
    scored = score_answers(LEFS, _all(LEFS, 4))
    assert (scored.score, scored.band, scored.flags) == (Decimal(80), "", [])
    assert LEFS.higher_is_better is True
    assert LEFS.mcid == Decimal(9)


def test_answers_given_as_text_are_read_as_numbers() -> None:
    scored = score_answers(NPRS, {"pain": " 6 "})
    assert scored.score == Decimal(6)


def test_a_missing_item_is_named() -> None:
    answers = _all(GAD7, 1)
    del answers["q4"]
    with pytest.raises(InvalidResponseError) as caught:
        score_answers(GAD7, answers)
    assert caught.value.errors == {
        "q4": ["Trouble relaxing: answer this item (every item needs an answer)."]
    }


@pytest.mark.parametrize("bad", [4, -1, "x", "2.5", True, 1.0])
def test_an_out_of_range_or_malformed_answer_is_named(bad: object) -> None:
    answers: dict[str, object] = {**_all(PHQ9, 0), "q2": bad}
    with pytest.raises(InvalidResponseError) as caught:
        score_answers(PHQ9, answers)
    assert caught.value.errors == {
        "q2": [
            "Feeling down, depressed, or hopeless: choose a whole number from 0 to 3."
        ]
    }


def test_unknown_items_are_refused() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        score_answers(NPRS, {"pain": 3, "mood": 2})
    assert caught.value.errors == {"__all__": ["Unknown items for NPRS: mood."]}
