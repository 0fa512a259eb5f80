"""A returning runner: how the back is now, and whether to check it again.

The article's limits are about time (pain beyond 48-72 hours, beyond a few
weeks, pain that keeps coming back despite rest), which one conversation
cannot see. A runner who comes back can tell us: better, the same, worse, or
gone and back again. This module turns that answer and the stored history
into a plan, as pure functions (no Rasa, no database), so that every branch is
tested:

* worse, or back again after a rest: check again;
* the same, once the pain has lasted past the first limit (3 days, the
  ``persists_beyond_72h`` rule): check again;
* the same within the limit: keep to the plan, with a date to look again;
* better: ease back in, or keep the appointment a check asked for.

A re-check counts the pain from the first report (the duration then plus the
time since), so "2 days" three days ago is 5 days now; pain that came back
after a rest counts as ``recurring_despite_rest``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Optional, Sequence

from backstride import contract as c
from backstride.contract import Level
from backstride.store.summary import LOCATION_WORDS, level_name

if TYPE_CHECKING:
    from backstride.store.repository import StoredAssessment

#: Pain this old at "the same" is past the article's 48-72 hour limit: check again.
SAME_LIMIT_DAYS = 3.0
#: Assessments further apart than this are different episodes of pain.
EPISODE_GAP = timedelta(weeks=6)


class Progress(str, enum.Enum):
    """The runner's answer to "better, the same or worse?" (the slot ``progress``)."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    RETURNED = "returned"  # it had settled and came back
    UNCLEAR = "unclear"  # asked twice, still no answer: treated as a reason to look again


PROGRESS_QUESTION = "How is your back now, compared with then: better, about the same, or worse?"
PROGRESS_BUTTONS = (
    {"title": "Better", "payload": "Better"},
    {"title": "About the same", "payload": "About the same"},
    {"title": "Worse", "payload": "Worse"},
    {"title": "It went away and came back", "payload": "It went away and came back"},
)
PROGRESS_CLARIFICATION = (
    "Sorry, I didn't get that. One word is enough: is your back better, about the same, or worse "
    "than at your last check? If it settled and then came back, say so."
)

# "not worse", "isn't any better", "hasn't improved", "not good": none of these is progress.
_NEGATED = re.compile(
    r"\b(?:not|no|isn'?t|is not|hasn'?t|has not|didn'?t|did not|never|nothing)\s+"
    r"(?:really\s+|any\s+|much\s+|that\s+much\s+|getting\s+|got\s+|gotten\s+|been\s+|so\s+|too\s+|very\s+)*"
    r"(?:better|worse|improv\w*|good|great|chang\w*|eas\w*)\b"
)
_RETURNED = re.compile(
    r"\b(?:came|come|comes|coming)\s+back\b|\b(?:it'?s|it is|pain'?s|pain is|it has)\s+(?:come\s+)?back\b"
    r"|\breturn(?:ed|ing|s)?\b|\bflare[sd]?[- ]?up\b|\brelaps\w*"
    r"|\b(?:hurt\w*|sore|painful|aching|started|starting|flar\w*(?:\s*up)?)\s+again\b"
)
_WORSE = re.compile(
    r"\bworse\b|\bworsen\w*|\bmore (?:pain|painful|sore)\b|\bhurts? more\b|\bspread\w*|\bterrible\b"
    r"|\bawful\b|\bagony\b|\bdeteriorat\w*"
)
_BETTER = re.compile(
    r"\bbetter\b|\bimprov\w*|\beas(?:ed|ing|ier)\b|\bgone\b|\bfine\b|\bgood\b|\bgreat\b|\bhealed\b"
    r"|\bpain[- ]free\b|\bno (?:more )?pain\b|\bless (?:pain|sore|painful)\b|\brecover\w*|\bsettled\b"
)
_SAME = re.compile(
    r"\bsame\b|\bno change\b|\bunchanged\b|\bno different\b|\bnot much different\b|\bsimilar\b"
    r"|\bstill\b|\bmeh\b|\bso-?so\b|\bhasn'?t changed\b|\bas before\b"
)


def read_progress(text: str) -> Optional[Progress]:
    """Better / same / worse / returned from the runner's words, or ``None`` when they say none of these.

    Coming back beats everything (it is a rule of its own); worse beats better
    ("better in the morning, worse by night" is worse); a negated change is the same.
    """
    words = " ".join((text or "").lower().replace("’", "'").split())
    if not words:
        return None
    if _RETURNED.search(words):
        return Progress.RETURNED
    stripped, negations = _NEGATED.subn(" ", words)
    if _WORSE.search(stripped):
        return Progress.WORSE
    if _BETTER.search(stripped):
        return Progress.BETTER
    if negations or _SAME.search(stripped):
        return Progress.SAME
    return None


def days_between(earlier: datetime, later: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds() / 86400)


def days_since_first_report(history: Sequence["StoredAssessment"], now: datetime) -> Optional[float]:
    """How long the pain has lasted now, counted from the first report of this episode.

    A stored duration already counts from its own start, so the newest
    assessment in the episode that knows its duration gives the answer (a
    re-check stores the carried-over duration, which keeps the chain). Without
    any known duration, the time since the episode's first assessment is the
    least the pain can have lasted.
    """
    if not history:
        return None
    episode = [history[-1]]
    for earlier in reversed(history[:-1]):
        if episode[-1].created_at - earlier.created_at > EPISODE_GAP:
            break
        episode.append(earlier)
    for item in episode:  # newest first
        if item.facts.pain_duration_days is not None:
            return float(item.facts.pain_duration_days) + days_between(item.created_at, now)
    return days_between(episode[-1].created_at, now)


def when_text(then: datetime, now: datetime) -> str:
    """"earlier today", "yesterday", "3 days ago", "2 weeks ago"."""
    days = days_between(then, now)
    if days < 1:
        return "earlier today" if then.date() == now.date() else "yesterday"
    if days < 2:
        return "yesterday"
    if days < 14:
        return f"{int(days)} days ago"
    if days < 60:
        return f"{int(days // 7)} weeks ago"
    return f"on {then:%d %B %Y}"


def last_check_summary(last: "StoredAssessment", now: datetime) -> str:
    """"3 days ago: lower back, stop and reassess"."""
    where = LOCATION_WORDS.get(last.facts.pain_location or "", "back pain")
    if last.facts.pain_location in (None, "other"):
        where = "back pain"
    return f"{when_text(last.created_at, now)}: {where}, {level_name(last.level).lower()}"


def welcome_back(last: "StoredAssessment", now: datetime) -> str:
    return f"Welcome back. Your last check with me was {last_check_summary(last, now)}."


def check_in_opening(last: "StoredAssessment", now: datetime) -> str:
    return f"Checking in, as promised. Your last check was {last_check_summary(last, now)}."


@dataclass(frozen=True)
class FollowUp:
    """What to say, and whether to run the assessment again with these facts carried over."""

    progress: Progress
    message: str
    rerun: bool = False
    #: Contract slots to set before the re-check (duration, location, recurring).
    prefill: dict[str, object] = field(default_factory=dict)


_EASE_BACK = (
    "Good to hear it's easing. Build back up gently: short, easy runs first, then add no more than about "
    "10% a week, and keep up core and hip strength work. If the pain comes back or gets worse, tell me and "
    "we'll check it again."
)
_KEEP_APPOINTMENT = (
    "Good to hear it's easing. Your last check said {advice}; please still do that before you run again, "
    "because easing pain doesn't rule out what that check was about. If anything gets worse, tell me."
)
_KEEP_PLAN = {
    Level.STOP_AND_REASSESS: "Then keep to the plan for now: no running; low-impact exercise such as cycling, "
    "swimming or walking is fine.",
    Level.MODIFY_AND_CONTINUE: "Then keep to the changes: shorter, easier runs, no more than about 10% more a week, "
    "and core and hip strength work; stop a run if the pain builds up as you go.",
}
_LOOK_AGAIN = (
    " It's been about {days}; if it's not better by the time it reaches 3 days, tell me and we'll look at it "
    "again. If you lose control of your bladder or bowels, feel numb around the groin, or both legs get weak, "
    "call your local emergency number straight away."
)
_RERUN = {
    Progress.WORSE: "I'm sorry it's worse. Let's go through it again",
    Progress.RETURNED: (
        "Pain that comes back after a rest is worth having looked at, and I've noted that. "
        "Let's go through the rest again"
    ),
    Progress.SAME: "It has now lasted longer than back pain from running usually takes to settle, so let's check again",
    Progress.UNCLEAR: "Let's simply go through it again",
}
_ADVICE = {
    Level.EMERGENCY: "to get emergency care",
    Level.URGENT: "to see a doctor the same day",
    Level.SEE_CLINICIAN: "to have your back examined by a physio or doctor",
}


def _days_words(days: float) -> str:
    if days < 1:
        hours = max(1, round(days * 24))
        return f"{hours} hour{'s' * (hours != 1)}"
    whole = round(days)
    return f"{whole} day{'s' * (whole != 1)}"


def follow_up(progress: Progress, history: Sequence["StoredAssessment"], now: datetime) -> FollowUp:
    """The plan for a returning runner's answer, from their stored history (oldest first)."""
    if not history:  # nothing to compare with: a fresh check is the only honest answer
        return FollowUp(progress, "Let's go through it together", rerun=True)
    last = history[-1]
    days = days_since_first_report(history, now)
    if progress is Progress.BETTER:
        if last.level >= Level.SEE_CLINICIAN:
            return FollowUp(progress, _KEEP_APPOINTMENT.format(advice=_ADVICE[last.level]))
        return FollowUp(progress, _EASE_BACK)
    if progress is Progress.SAME and days is not None and days < SAME_LIMIT_DAYS and last.level <= Level.STOP_AND_REASSESS:
        return FollowUp(progress, _KEEP_PLAN[last.level] + _LOOK_AGAIN.format(days=_days_words(days)))
    prefill: dict[str, object] = {}
    if days is not None:
        prefill[c.PAIN_DURATION_DAYS] = round(days, 2)
    if last.facts.pain_location:
        prefill[c.PAIN_LOCATION] = last.facts.pain_location
    if progress is Progress.RETURNED:
        prefill[c.RECURRING_DESPITE_REST] = True
    message = _RERUN.get(progress, _RERUN[Progress.UNCLEAR])
    if days is not None:
        message += f"; counting from when you first told me, the pain has lasted about {_days_words(days)}"
    return FollowUp(progress, message + ".", rerun=True, prefill=prefill)
