"""A returning runner's answer and history -> what to do (backstride/followup.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backstride import contract as c
from backstride.contract import Level
from backstride.followup import (
    SAME_LIMIT_DAYS,
    Progress,
    days_since_first_report,
    follow_up,
    last_check_summary,
    read_progress,
    when_text,
)
from backstride.store.repository import StoredAssessment
from backstride.triage import Facts, decide

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)


def stored(days_ago: float, level: Level = Level.STOP_AND_REASSESS, **facts) -> StoredAssessment:
    return StoredAssessment(
        id=1, channel="rest", created_at=NOW - timedelta(days=days_ago), facts=Facts(**facts),
        level=level, reasons=(),
    )


@pytest.mark.parametrize("text, expected", [
    ("better", Progress.BETTER),
    ("Better", Progress.BETTER),
    ("a lot better thanks", Progress.BETTER),
    ("it's getting better", Progress.BETTER),
    ("improving slowly", Progress.BETTER),
    ("it's eased off", Progress.BETTER),
    ("pain free now!", Progress.BETTER),
    ("fine now", Progress.BETTER),
    ("gone completely", Progress.BETTER),
    ("About the same", Progress.SAME),
    ("same as before", Progress.SAME),
    ("no change really", Progress.SAME),
    ("not better", Progress.SAME),
    ("it isn't any better", Progress.SAME),
    ("hasn't improved", Progress.SAME),
    ("no worse", Progress.SAME),
    ("not really getting worse", Progress.SAME),
    ("still sore", Progress.SAME),
    ("meh, so-so", Progress.SAME),
    ("Worse", Progress.WORSE),
    ("much worse, and now it goes down my leg", Progress.WORSE),
    ("better in the morning but worse by the evening", Progress.WORSE),
    ("it hurts more than before", Progress.WORSE),
    ("the pain is spreading", Progress.WORSE),
    ("It went away and came back", Progress.RETURNED),
    ("it was fine after resting but it's back", Progress.RETURNED),
    ("flared up again on Sunday's run", Progress.RETURNED),
    ("it keeps coming back", Progress.RETURNED),
    ("hurting again since yesterday", Progress.RETURNED),
])
def test_the_runner_s_words_give_the_progress(text, expected):
    assert read_progress(text) is expected


@pytest.mark.parametrize("text", ["", "   ", "hi", "hi again", "yes", "no", "what?", "🏃", "my back", "ok"])
def test_words_that_say_no_progress_give_none(text):
    assert read_progress(text) is None


def test_duration_counts_from_the_first_report():
    assert days_since_first_report([stored(3, pain_duration_days=2.0)], NOW) == pytest.approx(5.0)


def test_a_recheck_carries_the_chain_of_reports():
    history = [stored(10, pain_duration_days=1.0), stored(4, pain_duration_days=7.0)]
    assert days_since_first_report(history, NOW) == pytest.approx(11.0)


def test_without_a_known_duration_the_first_report_of_the_episode_counts():
    history = [stored(60), stored(9), stored(3)]  # 60 days ago is another episode (gap > 6 weeks)
    assert days_since_first_report(history, NOW) == pytest.approx(9.0)


def test_no_history_no_duration():
    assert days_since_first_report([], NOW) is None


@pytest.mark.parametrize("days, expected", [
    (0.1, "earlier today"), (1.2, "yesterday"), (3.5, "3 days ago"), (15, "2 weeks ago"), (90, "on 10 December 2025"),
])
def test_when_text(days, expected):
    assert when_text(NOW - timedelta(days=days), NOW) == expected


def test_the_summary_names_when_where_and_the_level():
    summary = last_check_summary(stored(3, pain_location="lower_back"), NOW)
    assert summary == "3 days ago: lower back, stop and reassess"


def test_worse_reruns_with_the_duration_from_the_first_report_and_the_location():
    plan = follow_up(Progress.WORSE, [stored(3, pain_location="lower_back", pain_duration_days=2.0)], NOW)
    assert plan.rerun
    assert plan.prefill == {c.PAIN_DURATION_DAYS: 5.0, c.PAIN_LOCATION: "lower_back"}
    assert "5 days" in plan.message


def test_pain_back_after_rest_counts_as_recurring_despite_rest():
    plan = follow_up(Progress.RETURNED, [stored(4, pain_duration_days=1.0)], NOW)
    assert plan.rerun and plan.prefill[c.RECURRING_DESPITE_REST] is True
    level = decide(Facts(**plan.prefill)).level  # what the re-check starts from
    assert level >= Level.SEE_CLINICIAN


def test_the_same_past_the_72_hour_limit_reruns():
    plan = follow_up(Progress.SAME, [stored(2, pain_duration_days=1.5)], NOW)
    assert plan.rerun and plan.prefill[c.PAIN_DURATION_DAYS] >= SAME_LIMIT_DAYS
    assert decide(Facts(**plan.prefill)).level >= Level.STOP_AND_REASSESS


def test_the_same_past_three_weeks_starts_from_see_a_clinician():
    plan = follow_up(Progress.SAME, [stored(18, pain_duration_days=5.0)], NOW)
    assert decide(Facts(**plan.prefill)).level == Level.SEE_CLINICIAN


def test_the_same_within_the_limit_keeps_to_the_plan():
    plan = follow_up(Progress.SAME, [stored(1, pain_duration_days=0.5)], NOW)
    assert not plan.rerun and not plan.prefill
    assert "3 days" in plan.message and "emergency" in plan.message


def test_the_same_after_keep_running_with_changes_keeps_the_changes():
    plan = follow_up(Progress.SAME, [stored(1, level=Level.MODIFY_AND_CONTINUE, pain_duration_days=0.5)], NOW)
    assert not plan.rerun and "10%" in plan.message and "no running" not in plan.message


def test_the_same_after_a_see_a_clinician_result_is_checked_again():
    plan = follow_up(Progress.SAME, [stored(1, level=Level.SEE_CLINICIAN, pain_duration_days=0.5)], NOW)
    assert plan.rerun


def test_better_eases_back_in():
    plan = follow_up(Progress.BETTER, [stored(3, pain_duration_days=2.0)], NOW)
    assert not plan.rerun and "10%" in plan.message


def test_better_after_a_clinician_result_still_asks_for_the_appointment():
    plan = follow_up(Progress.BETTER, [stored(3, level=Level.SEE_CLINICIAN)], NOW)
    assert not plan.rerun and "physio or doctor" in plan.message


@pytest.mark.parametrize("progress", list(Progress))
def test_without_history_every_answer_is_a_fresh_check(progress):
    assert follow_up(progress, [], NOW).rerun


def test_an_unclear_answer_is_checked_again():
    assert follow_up(Progress.UNCLEAR, [stored(1, pain_duration_days=0.5)], NOW).rerun
