"""Figures normalised before they are compared (claims.figures): the issue's examples."""

from __future__ import annotations

import pytest

from claims import figures


def detail(a: str, b: str) -> str:
    return figures.describe(figures.conflicts(figures.extract(a), figures.extract(b)))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The deal is worth $3.1 billion.", "The deal is worth $3.1bn."),
        ("The deal is worth $3.1bn.", "The deal is worth 3.1 billion dollars."),
        ("The deal is worth 3.1 billion dollars.", "The deal is worth $3.1 billion."),
        ("The dispute has lasted three decades.", "The dispute has lasted 30 years."),
        ("He has led the party for more than a decade.", "He has led the party for 12 years."),
        ("the first visit in two decades", "the first visit in 20 years"),
        ("a 48-hour visit", "a two-day visit"),
        ("Thirty-five countries abstained.", "35 countries abstained."),
        ("which began on February 24", "the war that started on 24 February"),
        ("two and a half billion dollars", "$2.5 billion"),
        ("a two-and-a-half-billion-dollar gas line", "the $2.5 billion pipeline"),
        ("a forty-eight-hour visit", "a two-day visit"),
        ("more than a quarter-century", "more than 25 years"),
        ("the first in a quarter-century", "the first in 25 years"),
        ("the invasion of the twenty-fourth of February", "which began on February 24"),
        ("which began on February 24th", "the war that started on 24 February"),
        ("on the 3rd of May", "on May 3"),
        ("they spoke for ninety minutes", "they spoke for an hour and a half"),
    ],
)
def test_the_same_figure_written_two_ways_agrees(a, b):
    assert detail(a, b) == ""


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "He has led the party for more than a decade.",
            "He has led the party for 10 years.",
            "more than 1 decade vs 10 years",
        ),
        (
            "The bill passed with 141 votes.",
            "The bill passed with 143 votes.",
            "141 votes vs 143 votes",
        ),
        (
            "The letter came a week before the election.",
            "The letter came two days after it.",
            "1 week before vs 2 days after",
        ),
        ("the first in 20 years", "the first in 23 years", "20 years vs 23 years"),
        # the note names the figure misreported, not the other span beside it
        (
            "The premier's two-day stay was the first such trip in 23 years.",
            "The visit was the first by a Pakistani prime minister in 20 years.",
            "23 years vs 20 years",
        ),
        (
            "heads of 22 foreign heads of state",
            "Two dozen ambassadors",
            "22 foreign heads vs 24 ambassadors",
        ),
    ],
)
def test_different_figures_for_the_same_thing_conflict_in_words(a, b, expected):
    assert detail(a, b) == expected


def test_one_amount_in_three_spellings_normalises_to_one_value():
    values = {
        (f.kind, f.low, f.high)
        for text in ("$3.1 billion", "$3.1bn", "3.1 billion dollars")
        for f in figures.extract(text)
    }
    assert values == {("money:USD", 3.1e9, 3.1e9)}


def test_counts_of_different_things_do_not_conflict():
    assert detail("Pakistan is no one's slave.", "He won 52 percent.") == ""


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        # a restatement keeps the type of its figure, right or wrong
        ("the first visit in two decades", "the first visit in 20 years", "agree"),
        ("Envoys of 22 countries wrote.", "More than 20 foreign envoys wrote.", "agree"),
        ("among 35 countries that abstained", "among 38 countries that declined", "near"),
        ("the $2.5 billion pipeline", "the $3 billion line", "near"),
        ("which began on February 24", "which began on February 23", "near"),
        # near-misses about the same people: another quantity, another fact
        ("a two-day visit", "the first visit in 20 years", "far"),
        ("35 countries abstained", "141 countries voted in favour", "far"),
        ("the $2.5 billion pipeline", "to carry 12.4 billion cubic metres of gas", "disjoint"),
        ("Khan toured the centre.", "the first visit in 20 years", "one"),
        # counts of the same thing could be one misreported; of different things not
        ("heads of 22 foreign missions", "24 foreign envoys", "near"),
        ("among 35 countries that abstained", "22 envoys wrote a letter", "disjoint"),
        # a dateline or "one" as a determiner is no figure
        ("as posted by one embassy", "Khan toured the centre.", "none"),
        ("Khan toured the centre.", "Khan met Putin.", "none"),
    ],
)
def test_agreement_says_how_two_claims_figures_relate(a, b, relation):
    mine, theirs = figures.extract(a), figures.extract(b)
    assert figures.agreement(mine, theirs) == relation
    assert figures.agreement(theirs, mine) == relation


def test_a_date_written_as_an_ordinal_conflicts_with_another_date():
    assert detail("the war that began on the 24th of February", "the war that began Feb 22") == (
        "February 24 vs Feb 22"
    )


def test_a_count_of_one_is_not_a_figure():
    assert figures.extract("as posted by one embassy on social media") == ()
    assert figures.extract("Pakistan was one of 35 countries")[0].kind == "count:country"
