"""Duration normalisation: what runners write -> float days (backstride/nlu/duration.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from backstride.nlu.duration import find_durations, number_value, parse_duration

MONDAY = datetime(2024, 6, 10, 12, 0)


@pytest.mark.parametrize(
    "text,days",
    [
        ("for about 4 days now", 4),
        ("4 days now", 4),
        ("two days", 2),
        ("a couple of days", 2),
        ("couple days", 2),
        ("a few days", 3),
        ("several weeks", 28),
        ("a week", 7),
        ("a week or so", 7),
        ("a week or two", 14),
        ("a week and a half", 10.5),
        ("one and a half weeks", 10.5),
        ("2 and a half weeks", 17.5),
        ("3 weeks", 21),
        ("three weeks", 21),
        ("2 months", 60),
        ("a fortnight", 14),
        ("a month", 30),
        ("a year", 365),
        ("48 hrs", 2),
        ("48hrs", 2),
        ("48h", 2),
        ("36 hours", 1.5),
        ("a few hours", 0.2),
        ("a couple of hours", 2 / 24),
        ("half a day", 0.5),
        ("twenty-one days", 21),
        ("2-3 days", 3),
        ("2 to 3 weeks", 21),
        ("two or three days", 3),
        ("the past week", 7),
        ("past week", 7),
        ("the last fortnight", 14),
        ("for the past 3 days", 3),
        ("over the last couple of weeks", 14),
        ("since last week", 7),
        ("since last month", 30),
        ("for weeks", 14),
        ("for months", 60),
        ("started 2 days ago", 2),
        ("10 days ago", 10),
        ("since yesterday", 1),
        ("yesterday", 1),
        ("after yesterday's tempo run", 1),
        ("the day before yesterday", 2),
        ("since last night", 0.5),
        ("overnight", 0.5),
        ("since this morning", 0.3),
        ("this afternoon", 0.15),
        ("only today", 0.2),
        ("I've had it for 5 days in my lower back", 5),
        ("on and off for 3 weeks", 21),
        ("6 weeks give or take", 42),
        ("sore for 3 dayz", 3),
    ],
)
def test_duration_forms(text: str, days: float):
    assert parse_duration(text, now=MONDAY) == pytest.approx(days, abs=0.01)


@pytest.mark.parametrize(
    "text,days",
    [
        ("since Sunday", 1),  # Monday -> yesterday
        ("since Saturday's half marathon", 2),
        ("since Friday", 3),
        ("since last Tuesday", 6),
        ("since Monday", 7),  # said on a Monday: last week's
        ("it started on Thursday", 4),
        ("after Sunday's long run", 1),
        ("since my long run Sunday", 1),
        ("since the weekend", 2),
        ("over the weekend", 2),
        ("last weekend", 2),
    ],
)
def test_weekdays_count_back_from_now(text: str, days: float):
    assert parse_duration(text, now=MONDAY) == pytest.approx(days)


@pytest.mark.parametrize(
    "text,days",
    [
        ("it started 22 May", 12),
        ("started May 22nd", 12),
        ("since the 3rd of May", 31),
        ("back in early May it started", 29),
        ("started in mid-May", 19),
        ("I hurt it on May 30th", 4),
        ("going on day 3 now", 3),
        ("it's day three now", 3),
        ("since Christmas", 160),
        ("hurting since 2019", 2710),
        ("since 22 November", 193),  # later in the year than the message: last year's
    ],
)
def test_dates_count_to_the_messages_own_day(text: str, days: float):
    june_3 = datetime(2026, 6, 3, 10, 0)
    assert parse_duration(text, now=june_3) == pytest.approx(days)


@pytest.mark.parametrize(
    "text", ["my race on 22 June", "it may get worse", "day 4 of my plan", "week 4 of my plan", "16 years running"]
)
def test_a_date_that_is_no_onset_is_not_the_pains_age(text: str):
    assert find_durations(text, now=datetime(2026, 6, 3, 10, 0)) == []


def test_the_weekend_seen_from_midweek():
    wednesday = datetime(2024, 6, 12, 9, 0)
    assert parse_duration("since the weekend", now=wednesday) == 4.0
    sunday = datetime(2024, 6, 16, 9, 0)
    assert parse_duration("since Saturday", now=sunday) == 1.0
    assert parse_duration("since Sunday", now=sunday) == 7.0


@pytest.mark.parametrize(
    "text",
    [
        "since my race",
        "since the marathon",
        "I run 3 times a week",
        "40 miles a week",
        "I took a week off",
        "after two weeks of rest",
        "a week's rest",
        "I ran for 2 hours",
        "I've been running for 10 years",
        "20 minutes into my run",
        "after 20 minutes it starts",
        "my race is in 2 weeks",
        "3 weeks to go until the marathon",
        "I'm 45 years old",
        "a 45-year-old runner",
        "a 10 day streak",
        "a 3 week training block",
        "every 2 days",
        "my race is on Sunday",
        "next Sunday",
        "I'll run on Saturday",
        "I had cancer 5 years ago",
        "last year I had the same",
        "10k",
        "",
    ],
)
def test_time_that_is_not_the_pains_age_is_ignored(text: str):
    assert find_durations(text, now=MONDAY) == []


def test_spans_are_the_time_phrase():
    text = "My lower back has hurt for about 4 days now, since Sunday really"
    found = find_durations(text, now=MONDAY)
    assert [(d.text, d.days) for d in found] == [("4 days", 4.0), ("since Sunday", 1.0)]
    for d in found:
        assert text[d.start : d.end] == d.text


def test_curly_apostrophes_and_case():
    assert parse_duration("SINCE SATURDAY’S RACE", now=MONDAY) == 2.0
    assert parse_duration("After Yesterday’s Run", now=MONDAY) == 1.0


def test_the_longest_duration_is_the_age_of_the_pain():
    assert parse_duration("sore for 3 weeks, worse the last 2 days", now=MONDAY) == 21.0


def test_now_defaults_to_the_clock():
    assert parse_duration("since yesterday") == 1.0


@pytest.mark.parametrize(
    "word,value", [("7", 7.0), ("7.5", 7.5), ("seven", 7.0), ("Twenty-One", 21.0), ("forty two", 42.0), ("lots", None)]
)
def test_number_value(word: str, value):
    assert number_value(word) == value
