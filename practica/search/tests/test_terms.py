from __future__ import annotations

import pytest

from practica.search.errors import InvalidSearchError
from practica.search.snippets import highlight, string_values, to_html
from practica.search.terms import parse_terms


def test_a_query_keeps_its_text_and_lists_its_words_once() -> None:
    terms = parse_terms('  Knee   "patellar tendon" or -knee  ')
    assert terms.text == 'Knee "patellar tendon" or -knee'
    assert terms.words == ("knee", "patellar", "tendon")


def test_control_characters_are_spaces() -> None:
    assert parse_terms("knee\x00pain\x1f").text == "knee pain"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Search: enter a word to search for."),
        ("   ", "Search: enter a word to search for."),
        ("a", "Search: enter a word of at least 2 letters or digits."),
        ("!?", "Search: enter a word of at least 2 letters or digits."),
        ("x" * 201, "Search: use at most 200 characters (this has 201)."),
        (" ".join(f"w{n}" for n in range(13)), "Search: use at most 12 words."),
    ],
)
def test_an_unsearchable_query_is_refused_with_the_reason(
    raw: str, message: str
) -> None:
    with pytest.raises(InvalidSearchError) as refused:
        parse_terms(raw)
    assert str(refused.value) == message


def test_html_is_escaped_and_only_marker_pairs_become_marks() -> None:
    marked = "<b>x</b> & \ue000knee\ue001 \ue000stray"
    assert str(to_html(marked)) == (
        "&lt;b&gt;x&lt;/b&gt; &amp; <mark>knee</mark> stray"
    )


def test_highlight_marks_every_word_case_insensitively() -> None:
    assert str(to_html(highlight("Knee and KNEES", ["knee"]))) == (
        "<mark>Knee</mark> and <mark>KNEE</mark>S"
    )


def test_highlight_cuts_a_window_around_the_first_match() -> None:
    text = " ".join(f"w{n}" for n in range(100)) + " target " + "tail " * 50
    snippet = str(to_html(highlight(text, ["target"])))
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    assert len(snippet.split(" ")) <= 33


def test_string_values_walk_nested_json_with_the_top_level_key() -> None:
    content = {"a": "one", "b": [{"c": "two"}, 3, None], "d": {"e": ["three"]}}
    assert list(string_values(content)) == [
        ("a", "one"),
        ("b", "two"),
        ("d", "three"),
    ]
