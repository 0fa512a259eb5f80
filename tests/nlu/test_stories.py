"""How runners tell their story: time, certainty, and the signs that are easy to miss.

Each case is a phrasing of the shape real posts have (issue 10 of the project's
tracker); the real-story corpus itself (tests/vignettes/real) is played whole by
``make eval``. Here the reader's findings are checked one by one, with the
message's own time fixed so that dates count the same on any day.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from backstride.nlu.reader import HEDGE, MINOR, PAST_EVENT, PLAIN, PLURAL, SymptomReader, resolve

JUNE_3 = datetime(2026, 6, 3, 10, 0)  # a Wednesday
REAL = Path(__file__).resolve().parents[1] / "vignettes" / "real"


@pytest.fixture(scope="module")
def reader() -> SymptomReader:
    return SymptomReader()


def facts(reader: SymptomReader, text: str, now: datetime = JUNE_3) -> dict:
    return {slot: f.value for slot, f in resolve(reader.read(text, now)).items() if slot != "number"}


def finding(reader: SymptomReader, text: str, slot: str, now: datetime = JUNE_3):
    found = [f for f in reader.read(text, now) if f.slot == slot]
    assert found, f"no {slot} in {text!r}"
    return found[0]


# --- time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I came off my bike in 2019 and it has niggled since",
        "Back in 2019 I came off my bike, and I have had back pain on and off ever since",
        "I've had chronic back problems for 10+ years since a taxi I was in got rear-ended",
        "years ago I was hit by a car, and my lower back has ached since",
    ],
)
def test_an_old_accident_the_pain_grumbles_on_from_is_no_serious_fall_now(reader, text):
    f = finding(reader, text, "trauma")
    assert f.value is False and f.certainty == PAST_EVENT


@pytest.mark.parametrize(
    "text,absent",
    [
        ("Last spring it lasted six weeks", "pain_duration_days"),
        ("I had the same a few weeks ago", "pain_duration_days"),
        ("Two years ago I had sciatica down my left leg, now it's just my lower back", "pain_radiation"),
        ("I had this same pain about a year ago and it disappeared after 6 weeks or so. Which exercises help the lower back?", "pain_duration_days"),
    ],
)
def test_an_earlier_episode_is_not_this_one(reader, text, absent):
    assert absent not in facts(reader, text)


def test_a_story_that_cleared_and_came_back_counts_from_the_new_start(reader):
    text = (
        "About a month ago I went for a 4 miler and woke up with the worst back pain of my life. "
        "That one cleared up, then 2 weeks ago I ran 5 miles and the next day, pain again. "
        "It still hasn't gone, stiff and sore low down in my back."
    )
    got = facts(reader, text)
    assert got["pain_duration_days"] == 14
    assert got["pain_location"] == "lower_back"


def test_a_good_run_today_is_not_the_end_of_an_episode(reader):
    text = (
        "I've been fighting a lower back injury for the last 4 weeks. Today I finally got brave and jogged. "
        "Back felt fine, which was my main worry! Should I drop back to week 5?"
    )
    assert facts(reader, text)["pain_duration_days"] == 28


@pytest.mark.parametrize(
    "text,days",
    [
        ("my back hurts since last Wednesday", 7),
        ("it started 22 May and still aches", 12),
        ("going on day 3 now with this back", 3),
        ("my back started hurting back in early May", 29),
        ("my back started hurting on the Saturday afternoon (the 22nd)", 12),
        ("I got a sudden awful pain in my lower back, Saturday before last", 11),
    ],
)
def test_durations_come_from_dates_counted_to_the_message(reader, text, days):
    assert facts(reader, text)["pain_duration_days"] == days


# --- certainty ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,certainty",
    [
        ("I landed hard on my back on the trail", MINOR),
        ("I went over on the kerb and my back hurts", MINOR),
        ("I had a fall in May and my back hurts", PAST_EVENT),
        ("I got hit by a car 3 weeks ago and my back has hurt since", PAST_EVENT),
        ("I think I might have some numbness in my groin", HEDGE),
        ("not sure if my groin is numb or not", HEDGE),
        ("it shoots down my legs", PLURAL),
        ("at one point it felt like something heavy was sat on my chest", HEDGE),
    ],
)
def test_an_uncertain_emergency_sign_is_to_be_confirmed(reader, text, certainty):
    signs = [f for f in reader.read(text, JUNE_3) if f.slot in ("trauma", "emergency_signs", "chest_pain", "pain_radiation")]
    assert signs and all(f.certainty == certainty for f in signs), signs


@pytest.mark.parametrize(
    "text,slot",
    [
        ("I fell off a ladder yesterday and now my back hurts", "trauma"),
        ("I got hit by a cyclist on my run this morning", "trauma"),
        ("had a nasty fall down a scree slope yesterday, landed hard on my back", "trauma"),
        ("I landed hard on my back, lay there for ages and couldn't get up", "trauma"),
        ("he pulled out and hit me on the left hip", "trauma"),
        ("it goes down both legs", "pain_radiation"),
        ("I can't control my bladder since this morning", "emergency_signs"),
        ("In the last month my right foot has started dropping", "emergency_signs"),
    ],
)
def test_a_plain_current_sign_is_plain(reader, text, slot):
    f = finding(reader, text, slot)
    assert f.certainty == PLAIN and f.value in (True, "both_legs")


@pytest.mark.parametrize(
    "text",
    [
        "a jolt of pain when I stand up",
        "what if I lose control of my bladder",
        "I nearly got hit by a car on a blind corner, it didn't hit me",
        "the marathon was trashed the next day",
        "I did the fell race on Sunday and my back is stiff",
    ],
)
def test_no_sign_at_all(reader, text):
    got = facts(reader, text)
    assert got.get("trauma") is not True and got.get("emergency_signs") is not True


# --- emergency phrasings, chest, side ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I can't feel anything from the waist down",
        "numb from my hips down since last night",
        "I can't properly feel anything from my hips down, both legs feel sort of dead",
        "my foot slaps and it's weaker every day",
        "I keep tripping, more each day",
        "the front of my foot just won't come up when I try to walk on my heels",
    ],
)
def test_emergency_phrasings(reader, text):
    assert facts(reader, text).get("emergency_signs") is True


@pytest.mark.parametrize(
    "text,value",
    [
        ("tight chest and upper back pain", True),
        ("there's a pressure behind my breastbone when I run", True),
        ("at times I'm out of breath on my runs, which is new for me", True),
        ("a tight squeezing feeling on the left side of my chest that wraps into my back", True),
        ("no chest pain, breathing is fine, it's just the back", False),
    ],
)
def test_chest_pain_is_understood(reader, text, value):
    assert facts(reader, text).get("chest_pain") is value


@pytest.mark.parametrize("text", ["I get out of breath on hills and my mid back aches", "my lower back hurts when I breathe in"])
def test_a_mention_of_breathing_asks_about_chest_pain(reader, text):
    got = {f.slot for f in reader.read(text, JUNE_3)}
    assert "chest_mentioned" in got and "chest_pain" not in got


@pytest.mark.parametrize(
    "text,radiation",
    [
        ("pain down the left side of my body", "thigh"),
        ("pain down my right leg", "thigh"),
        ("sharp on one side and down my leg past the knee", "below_knee"),
        ("it goes into my arse, hamstring and calf", "below_knee"),
        ("going down the steps my left foot slipped and I sat down hard", None),
    ],
)
def test_one_side_is_one_leg(reader, text, radiation):
    assert facts(reader, text).get("pain_radiation") == radiation


# --- facts told in passing, and noise -----------------------------------------------------


@pytest.mark.parametrize(
    "text,slot,value",
    [
        ("the longer I sat the worse it got", "worse_with_rest", True),
        ("my back gets sore about half a mile into every run", "worse_during_run", True),
        ("this is the third time it's come back", "recurring_despite_rest", True),
        ("no backache the rest of the time, only the last ten minutes of a run", "worse_during_run", True),
        ("stiff, but it eases off a bit as the run goes on", "worse_during_run", False),
        ("I can't stand up straight today", "gait_change", True),
    ],
)
def test_facts_told_in_passing(reader, text, slot, value):
    assert facts(reader, text).get(slot) is value


@pytest.mark.parametrize(
    "text,absent",
    [
        ("I'm 45, run 50 miles a week, week 4 of my plan, 16 years running, 8:30 pace", "pain_duration_days"),
        ("my wife has sciatica and it goes down her leg", "pain_radiation"),
        ("Was away on holiday last week. Did 3 runs on hilly lanes. After the last one yesterday my lower back is stiff.", None),
        ("I run our local marathon every year. This year my lower back aches after long runs.", "recurring_despite_rest"),
        ("the tendonitis in my left shoulder is coming back. My lower back is sore since Tuesday. Any tips?", "recurring_despite_rest"),
    ],
)
def test_other_numbers_and_other_people_are_not_the_pain(reader, text, absent):
    got = facts(reader, text)
    if absent is None:
        assert got.get("pain_duration_days") == 1  # "yesterday", not "last week"
    else:
        assert absent not in got


def test_a_post_of_1500_characters_is_read_whole(reader):
    story = (
        "Long story, sorry. I'm 52 and have run for 16 years, marathon PB 3:05, about 40 miles a week. "
        "Back in 2019 I came off my bike and my back has niggled on and off since, nothing much. "
        "Last spring it flared and lasted six weeks, physio sorted it. My wife has sciatica, so I know what to watch for. "
    ) * 4 + "This time it started on Saturday: a dull ache low in my back, nothing down my legs, no numbness."
    assert 1200 < len(story) < 1600
    got = facts(reader, story, datetime(2026, 6, 3, 10, 0))
    assert got["pain_duration_days"] == 4
    assert got["pain_location"] == "lower_back"
    assert got["trauma"] is False and got.get("pain_radiation") == "none"


def test_the_reader_reads_every_real_story_without_an_error(reader):
    """``read`` never raises (a bug would silently lose the facts), so ``_read`` is called here."""
    count = 0
    for path in sorted(REAL.glob("*/*.yml")):
        for vignette in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            reader._read(vignette["opener"], JUNE_3)
            count += 1
    assert count >= 100
