"""How long the pain has lasted, as float days, from what a runner types.

Pure (stdlib only) so that it can be tested and reviewed on its own. Every
expression becomes a :class:`DurationMatch` whose span is the time phrase
itself: number + unit ("4 days" in "for about 4 days now") or the anchor
phrase ("since Sunday", "yesterday", "this morning").

Choices a reviewer should know (they matter only near the 3-day and 21-day
thresholds of docs/triage-policy.md):

- ranges and "or" take the upper bound ("2-3 days" = 3, "a week or two" = 14),
  the safer side for a triage rule that fires on long durations;
- "a few" = 3, "several" = 4, "a couple" = 2, a bare plural ("for weeks") = 2
  units; "a few hours" = 0.2 days (an afternoon, not three clock hours);
- parts of today are fixed fractions: this morning 0.3, last night /
  overnight 0.5, this afternoon 0.15, this evening / tonight 0.1, today 0.2;
- a weekday is the most recent such day before today (never 0 days: "since
  Sunday" said on a Sunday is 7); "the weekend" counts from its Saturday;
- a calendar date counts to the message's own day ("since 22 May", "started
  May 22nd", "back in early May", "since Christmas", "since 2019"): early /
  mid / late in a month are its 5th / 15th / 25th, a bare month its 1st (the
  safer, longer side); a date later in the year than the message is last
  year's only after "since" / "started" (otherwise it is a plan: "my race on
  22 June"); "going on day 3" and "day 3 now" are 3 days;
- an event with no date ("since my race") gives nothing: the form asks;
- a time that dates another illness ("I had a cold last week", with no
  pain word in the sentence) is not the pain's age;
- time that is not the pain's age is skipped: "a week off", "3 times a
  week", "ran for 2 hours", "20 minutes into my run", "in 2 weeks", "45
  years old", "a 10 day streak".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Iterator, List, Optional

__all__ = ["DurationMatch", "find_durations", "parse_duration", "number_value", "NUMBER_WORDS"]


@dataclass(frozen=True)
class DurationMatch:
    start: int
    end: int
    days: float
    text: str


NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Longest first so that "seventeen" is not read as "seven".
_WORD = "(?:" + "|".join(
    [f"(?:{t})[- ](?:{u})" for t in _TENS for u in _UNITS_WORDS]
    + sorted(NUMBER_WORDS, key=len, reverse=True)
) + ")"
_DIGITS = r"\d+(?:\.\d+)?"
_ONE_NUM = rf"(?:{_DIGITS}|{_WORD})"
#: A quantity: "4", "four", "2-3", "two or three", "a couple of", "a few", "several", "a", "half a"
_QTY = (
    rf"(?P<qty>{_ONE_NUM}(?:\s*(?:-|–|to|or)\s*{_ONE_NUM})?(?:\s+and\s+a\s+half)?"
    r"|an?\s+couple\s+(?:of\s+)?|couple\s+(?:of\s+)?|an?\s+few|few|several|half\s+an?|an?)"
)
_UNIT = (
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|dayz|dys|nights?|weeks?|wks?|weks?|weeeks?"
    r"|fortnights?|months?|mnths?|mths?|years?|yrs?)"
)
_UNIT_DAYS = {
    "min": 1 / 1440, "hour": 1 / 24, "hr": 1 / 24, "day": 1.0, "dy": 1.0, "night": 1.0,
    "week": 7.0, "wk": 7.0, "wek": 7.0, "weeek": 7.0, "fortnight": 14.0, "month": 30.0,
    "mnth": 30.0, "mth": 30.0, "year": 365.0, "yr": 365.0,
}
_ABBREV = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}

_QUANTIFIED = re.compile(
    rf"\b(?P<lp>(?:the\s+)?(?:last|past|previous)\s+)?{_QTY}\s*-?\s*{_UNIT}\b"
    r"(?P<half>\s+and\s+an?\s+half)?"
    r"(?P<alt>\s+or\s+(?:two|three|2|3|so))?",
    re.IGNORECASE,
)
#: "48h", "3d", "2w": single-letter units only straight after digits.
_COMPACT = re.compile(r"\b(?P<qty>\d+(?:\.\d+)?)(?P<unit>[hdwy])\b", re.IGNORECASE)
#: "the past week", "last month", "the last fortnight" (no number).
_LAST_UNIT = re.compile(
    r"\b(?P<lp>(?:the\s+)?(?:last|past|previous))\s+(?P<unit>week|fortnight|month|year)\b",
    re.IGNORECASE,
)
_BARE_PLURAL = re.compile(
    # "for weeks", and a bare "months" as a whole answer or after a comma ("ages, months really")
    r"(?:\b(?:for|over|since)\s+|^\s*|,\s*)(?:many\s+|some\s+)?(?P<unit>hours|days|weeks|months|years)\b", re.IGNORECASE
)
#: "all week", "the whole month": since the start of that span at least.
_WHOLE_UNIT = re.compile(r"\b(?:all|the\s+whole|this\s+whole|the\s+entire)\s+(?P<unit>week|fortnight|month)\b", re.IGNORECASE)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?P<wd>mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day"

_SINCE = r"(?:since|from|starting|started|began|beginning)"
_ANCHORS = [
    # (regex, days, words one of which every match holds: a post without them skips the regex)
    (re.compile(rf"\b(?:{_SINCE}\s+)?(?:the\s+)?day\s+before\s+yesterday\b", re.I), 2.0, ("before",)),
    (re.compile(rf"\b(?:{_SINCE}\s+)?(?:yesterday|yday|yesterdy|yestrday|ystrdy|yest)\b", re.I), 1.0, ("yest", "yday", "ystrdy")),
    (re.compile(rf"\b(?:{_SINCE}\s+)?(?:last|las)\s+night(?:'?s)?\b", re.I), 0.5, ("night",)),
    (re.compile(rf"\b(?:{_SINCE}\s+)?overnight\b", re.I), 0.5, ("overnight",)),
    (re.compile(rf"\b(?:{_SINCE}\s+)?this\s+morning\b", re.I), 0.3, ("morning",)),
    (re.compile(rf"\b(?:{_SINCE}\s+)?this\s+afternoon\b", re.I), 0.15, ("afternoon",)),
    (re.compile(rf"\b(?:{_SINCE}\s+)?(?:this\s+evening|tonight)\b", re.I), 0.1, ("evening", "tonight")),
    (re.compile(r"\b(?:since|started|starting|began|from)\s+(?:earlier\s+)?today\b|\bearlier\s+today\b|\btoday's\b|\b(?:only|just)\s+(?:since\s+)?today\b|^\s*today\b", re.I), 0.2, ("today",)),
    (re.compile(r"\b(?:since|started|starting|began)\s+(?:last\s+)?week\b(?!\s*\d)", re.I), 7.0, ("week",)),
    (re.compile(r"\b(?:since|started|starting|began)\s+(?:last\s+)?month\b", re.I), 30.0, ("month",)),
]
_WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<pre>{_SINCE}|on|last|after|during)\s+(?:(?:last|this\s+past|the)\s+)?)?{_WEEKDAY}(?P<poss>'s|s')?(?![a-z])",
    re.IGNORECASE,
)
#: "Saturday before last", "the Sunday before last": a week before the last such day.
_BEFORE_LAST_RE = re.compile(rf"\b(?:the\s+)?{_WEEKDAY}\s+before\s+last\b", re.IGNORECASE)
_WEEKEND_RE = re.compile(
    rf"\b(?:(?:{_SINCE}|over|at|on|during|after)\s+(?:the|this\s+past|last)\s+weekend|last\s+weekend|weekend's|(?<=hurt\s)(?:my\s+back\s+)?this\s+weekend)\b",
    re.IGNORECASE,
)
#: "no run since", "haven't trained since": what did not happen since a day.
_NOT_SINCE = re.compile(r"\b(?:no|not|n't|never|haven'?t|hasn'?t|hadn'?t|nothing)\s+(?:\w+\s+){0,2}$", re.I)
_NOT_SINCE_BEFORE = re.compile(r"\b(?:no|not|n't|never|haven'?t|hasn'?t)\s+(?:\w+\s+){0,2}since\s+(?:\w+\s+)?$", re.I)
#: A sentence told in the past: a bare weekday in it is a day gone by ("Tuesday it all went to pot").
_PAST_TENSE = re.compile(
    r"\b(?:went|was|were|had|did|felt|got|started|began|woke|hurt|tweaked|pulled|ran|tried|came|happened|noticed|did\s+it)\b", re.I
)
_FUTURE_MARKERS = re.compile(
    r"\b(?:will|going\s+to|gonna|next|this\s+coming|planning|plan\s+to|hoping|hope\s+to|race\s+is|racing|coming\s+up)\b|'ll\b",
    re.IGNORECASE,
)

_PAIN_ONSET = re.compile(
    r"\b(?:start|started|starting|began|begun|pain|painful|hurt|hurts|hurting|ache|aches|aching|sore|back|niggle|problem)\b",
    re.IGNORECASE,
)

#: An illness or event that is not the pain: "I had a cold last week" dates the cold.
_OTHER_ILLNESS = re.compile(
    r"\b(?:cold|flu|covid|virus|bug|fever|temperature|infection|cough|vomiting|sickness|tummy\s+bug|"
    r"cancer|chemo|chemotherapy|operation|surgery|vaccine|jab|booster)\b",
    re.IGNORECASE,
)

# Context that says a time phrase is not the pain's age.
_BAD_BEFORE = re.compile(
    r"(?:\b(?:every|each|per|once|twice|times|a|x|within|next|first|into|another|more|extra|other)"
    r"|\b(?:ran|run|running|jogged|jogging|walked|walking|raced|racing|trained|training|rested|rest|resting"
    r"|(?<!and\s)off|break|cycled|cycling|swam|hiked|sat|sitting|driving|drove|flew|taking|take|took|takes|spent|spend)"
    r"(?:\s+for)?|\bby|\b(?:plan|programme|program|schedule|block|cycle)|\b(?:gave|give|giving|given)\s+it|\bwaited|\bwait|\bafford|\bspare|\blose|\bmiss|\bmissing|\b\d+\s*(?:k|km|kms|mi|miles?|times|x|runs|sessions|hours|hrs))"
    r"(?:\s+(?:about|around|roughly|approx\.?|maybe|like|almost|nearly|over|the|a|an|just|only))*\s*$",
    re.IGNORECASE,
)
_BAD_BEFORE_IN = re.compile(r"\b(?:in|after|within)\s*(?:about|around|roughly|maybe|like|just|another)?\s*$", re.IGNORECASE)
_BAD_AFTER = re.compile(
    r"^(?:'s|s')?\s*(?:-\s*)?(?:off\b|of\s+(?:\w+\s+)?(?:rest|no\s+running|not\s+running|running|training|easy|the\s+run|my\s+run|work|physio|therapy|marathon|plan)"
    r"|(?:have|has)\s+been\s+(?:\w+\s+)?(?:great|good|fine|brilliant|amazing|perfect|ok|okay|going\s+well)\b|miles?\b|/\s*(?:mile|mi|km|k)\b|pace\b|per\s+(?:mile|km|k)\b"
    r"|rest\b|break\b|to\s+go\b|until\b|till\b|away\b|old\b|-old\b|into\b|in\b(?!\s+(?:a\s+row|my|the|both|his|her|your|one|each))|later\b|out\b"
    r"|before\b|run\b|runs\b|running\b|of\s+running\b|race\b|hike\b|walk\b|session\b|ride\b|drive\b|flight\b|trip\b|block\b"
    r"|plan\b|program|streak\b|taper\b|cycle\b|training\b|challenge\b|holiday\b|vacation\b|a\s+week\b|per\b|a\s+day\b"
    r"|of\s+(?:the|each|every)\b|every\b|each\b)",
    re.IGNORECASE,
)


def number_value(text: str) -> Optional[float]:
    """A number written in digits or words ("7", "7.5", "seven", "twenty-one"), else None."""
    t = text.strip().lower()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    parts = re.split(r"[- ]", t)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS_WORDS:
        return float(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]])
    return None


def _quantity(raw: str) -> Optional[float]:
    q = " ".join(raw.lower().split())
    half = 0.0
    if q.endswith(" and a half"):
        half, q = 0.5, q[: -len(" and a half")]
    if re.fullmatch(r"(?:an?\s+)?couple(?:\s+of)?", q):
        return 2.0 + half
    if q in ("a few", "an few", "few"):
        return 3.0 + half
    if q == "several":
        return 4.0 + half
    if re.fullmatch(r"half\s+an?", q):
        return 0.5
    if q in ("a", "an"):
        return 1.0 + half
    whole = number_value(q)
    if whole is not None:
        return whole + half
    bits = re.split(r"\s*(?:-|–|\bto\b|\bor\b)\s*", q)
    values = [number_value(b) for b in bits if b]
    if not values or any(v is None for v in values):
        return None
    return max(values) + half  # ranges: upper bound


def _unit_days(unit: str) -> Optional[float]:
    u = unit.lower()
    u = _ABBREV.get(u, u)
    if u in ("dys", "dayz"):
        return 1.0
    for key in sorted(_UNIT_DAYS, key=len, reverse=True):
        if u.startswith(key):
            return _UNIT_DAYS[key]
    return None


_ONE_DAY_WHEN = re.compile(r"\s+(?:i|we|he|she|it|my|when|last|this|out|on|at|in|after|while)\b", re.I)
_FOR_BEFORE = re.compile(r"\b(?:for|about|around|only|just|over|past|last)\s*$", re.I)


_PAIN_FREE_SINCE = re.compile(
    r"\b(?:haven'?t|hasn'?t|hadn'?t|have\s+not|has\s+not|never|not)\b[^.!?]{0,40}\bsince\s+(?:about\s+|around\s+|maybe\s+)?$", re.I
)


def _context_rejects(text: str, start: int, end: int, unit_days: float, has_last: bool) -> bool:
    before = text[max(0, start - 40) : start]
    if _PAIN_FREE_SINCE.search(text[max(0, start - 80) : start]):
        return True  # "I haven't had any back trouble since about 3 years ago": pain-free time
    after = text[end : end + 30]
    if _BAD_AFTER.match(after.lstrip() if after[:1].isspace() else after):
        # "a week or so" is fine; "a week off" / "3 weeks to go" are not.
        return True
    if not has_last and _BAD_BEFORE.search(before):
        return True
    if not has_last and unit_days < 1 and _BAD_BEFORE_IN.search(before):
        return True  # "after 20 minutes", "in an hour"
    if not has_last and re.search(r"\bin\s*$", before, re.IGNORECASE):
        return True  # "in 2 weeks" (future); "in the last 2 weeks" has has_last
    return False


def _weekday_days(now: datetime, weekday: int) -> float:
    delta = (now.weekday() - weekday) % 7
    return float(delta or 7)


def sentence_before(text: str, start: int) -> str:
    """The part of the sentence of ``start`` that comes before it."""
    cut = max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start), text.rfind("\n", 0, start))
    return text[cut + 1 : start]


#: Words one of which every match of a pattern holds. Most of a long post's time went into
#: scanning it with patterns that cannot match it; a post without the words skips them.
_UNIT_WORDS = ("min", "hour", "hr", "day", "dy", "night", "week", "wk", "wek", "weee", "month", "mnth", "mth", "year", "yr")
_WEEKDAY_WORDS = (
    "monday", "tueday", "tuesday", "wedday", "wednesday", "thuday", "thursday", "friday", "satday", "saturday", "sunday"
)
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.I)


def _holds(low: str, words: Iterable[str]) -> bool:
    return any(w in low for w in words)


def _near(regex: re.Pattern, text: str, low: str, words: Iterable[str]) -> Iterator[re.Match]:
    """``regex.finditer(text)``, scanning only the stretches around ``words`` (``low`` is
    ``text.lower()``); every match holds one of them, so the matches are the same.

    A stretch reaches 120 characters before a word and 60 after it, more than any of
    these patterns spans around its word; stretches that touch are scanned as one.
    """
    if len(low) != len(text):  # a character whose lower case is longer: no shortcut
        yield from regex.finditer(text)
        return
    spans = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            spans.append((max(0, i - 120), i + len(w) + 60))
            i = low.find(w, i + 1)
    spans.sort()
    last_end = 0
    k = 0
    while k < len(spans):
        start, end = spans[k]
        k += 1
        while k < len(spans) and spans[k][0] <= end:
            end = max(end, spans[k][1])
            k += 1
        for m in regex.finditer(text, max(start, last_end), min(end, len(text))):
            yield m
            last_end = m.end()


def _candidates(text: str, now: datetime) -> Iterable[DurationMatch]:
    low = text.lower()
    for m in _near(_QUANTIFIED, text, low, _UNIT_WORDS):
        qty = _quantity(m.group("qty"))
        unit = _unit_days(m.group("unit"))
        if qty is None or unit is None:
            continue
        raw_qty = m.group("qty").lower().strip()
        if raw_qty in ("a", "an") and m.group("unit").lower().endswith("s"):
            continue  # "a days" is noise
        has_last = bool(m.group("lp"))
        end = m.end("unit")
        if m.group("half"):
            qty += 0.5
            end = m.end("half")
        alt = (m.group("alt") or "").strip().lower()
        if alt and not alt.endswith("so"):
            qty = max(qty, number_value(alt.split()[-1]) or qty)
        if alt:
            end = m.end("alt")
        if _context_rejects(text, m.start(), m.end(), unit, has_last):
            continue
        if raw_qty == "one" and not has_last and _ONE_DAY_WHEN.match(text, m.end()) and not _FOR_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "one day I couldn't get up": a day, not how long
        if unit >= 365 and re.match(r"\s+(?:ago|back)\b", text[m.end():], re.I) and not _PAIN_ONSET.search(
            sentence_before(text, m.start())
        ):
            continue  # "had cancer 5 years ago" is history, not the age of this pain
        if unit == 1 / 24 and re.fullmatch(r"an?\s+few|few", raw_qty):
            days = 0.2
        else:
            days = qty * unit
        start = m.start("lp") if has_last else m.start("qty")
        if has_last:
            lp = m.group("lp")
            start = m.start("lp") + (len(lp) - len(lp.lstrip()))
            if lp.lower().lstrip().startswith("the "):
                start += 4
        if days > 0:
            yield DurationMatch(start, end, round(days, 4), text[start:end])
    for m in _COMPACT.finditer(text):
        unit = _unit_days(m.group("unit"))
        if unit is None or _context_rejects(text, m.start(), m.end(), unit, False):
            continue
        yield DurationMatch(m.start(), m.end(), round(float(m.group("qty")) * unit, 4), m.group(0))
    for m in _near(_LAST_UNIT, text, low, ("last", "past", "previous")):
        unit_word = m.group("unit").lower()
        before = text[max(0, m.start() - 25) : m.start()]
        if unit_word == "year" and not re.search(r"\b(?:since|for|over|in|during|throughout)\s*$", before, re.I):
            continue  # "last year I had the same" is history, not this episode
        if _BAD_AFTER.match(text[m.end() :].lstrip()):
            continue
        start = m.start() + (4 if m.group(0).lower().startswith("the ") else 0)
        yield DurationMatch(start, m.end(), _unit_days(unit_word) or 0.0, text[start : m.end()])
    for m in _near(_BARE_PLURAL, text, low, ("hours", "days", "weeks", "months", "years")):
        unit = _unit_days(m.group("unit"))
        if unit is None:
            continue
        before = text[max(0, m.start() - 25) : m.start()]
        if re.search(r"\b(?:ran|run|running|been\s+running|jogged|trained|training|rested|resting|(?<!and\s)off)\s*$", before, re.I):
            continue
        if _BAD_AFTER.match(text[m.end() :].lstrip()):
            continue
        s = m.start("unit")
        yield DurationMatch(s, m.end(), 2 * unit, text[s : m.end()])
    for m in _near(_WHOLE_UNIT, text, low, ("all", "whole", "entire")):
        unit = _unit_days(m.group("unit"))
        if unit is None or _context_rejects(text, m.start(), m.end(), unit, False):
            continue
        yield DurationMatch(m.start(), m.end(), unit, m.group(0))
    for regex, days, words in _ANCHORS:
        for m in _near(regex, text, low, words):
            yield DurationMatch(m.start(), m.end(), float(days), m.group(0))
    for m in _near(_WEEKDAY_RE, text, low, _WEEKDAY_WORDS):
        pre = (m.group("pre") or "").lower()
        if (
            not pre and not m.group("poss")
            and not re.search(r"\bsince\b", sentence_before(text, m.start())[-40:], re.I)
            and not _PAST_TENSE.search(sentence_of(text, m.start(), m.end()))
        ):
            continue  # a bare "Sunday" may be in the future; "since my long run Sunday" or "Tuesday it all went to pot" is not
        if pre in ("on", "during", "after", "") and _FUTURE_MARKERS.search(sentence_before(text, m.start()) + text[m.end() : m.end() + 20]):
            continue
        if (pre == "since" and _NOT_SINCE.search(text[max(0, m.start() - 40) : m.start()])) or _NOT_SINCE_BEFORE.search(
            text[max(0, m.start() - 50) : m.start()]
        ):
            continue  # "no run since Thursday": a break from running, not the pain's age
        wd = next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(m.group("wd").lower()[:3]))
        start = m.start() if pre in ("since", "from", "last") else m.start("wd")
        end = m.start("poss") if m.group("poss") else m.end()
        yield DurationMatch(start, end, _weekday_days(now, wd), text[start:end])
    for m in _near(_BEFORE_LAST_RE, text, low, ("before",)) if _holds(low, _WEEKDAY_WORDS) else ():
        wd = next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(m.group("wd").lower()[:3]))
        yield DurationMatch(m.start(), m.end(), _weekday_days(now, wd) + 7, m.group(0))
    for m in _near(_WEEKEND_RE, text, low, ("weekend",)):
        if _FUTURE_MARKERS.search(sentence_before(text, m.start())):
            continue
        end = m.end() - 2 if m.group(0).lower().endswith("'s") else m.end()
        yield DurationMatch(m.start(), end, _weekday_days(now, 5), text[m.start() : end])


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_PART = r"(?:(?:the\s+)?(?P<part>early|mid|middle\s+of|late|end\s+of|start\s+of|beginning\s+of)[\s-]+)?"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_ONSET_BEFORE = r"(?P<cue>since|from|started|began|begun|back\s+in|kicked\s+in|came\s+on|flared(?:\s+up)?|onset)"
#: "since 22 May", "started May 22nd", "back in early May", "from the 3rd of June", "in mid-May"
_DATE_RES = [
    re.compile(rf"\b(?:{_ONSET_BEFORE}\s+(?:(?:on|in|around|about)\s+)?|(?P<prep>on|in|around)\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?![a-z])", re.I),
    re.compile(rf"\b(?:{_ONSET_BEFORE}\s+(?:(?:on|in|around|about)\s+)?|(?P<prep>on|in|around)\s+)?{_MONTH}\s+(?:the\s+)?{_DAY}\b(?![a-z:.])", re.I),
    re.compile(rf"\b(?:{_ONSET_BEFORE}\s+(?:(?:in|around|about)\s+)?|(?P<prep>in|around)\s+){_PART}{_MONTH}\b(?![a-z])(?!\s+\d)", re.I),
]
#: "since Christmas", "since the new year": the holiday's date.
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new year": (1, 1), "new years": (1, 1), "halloween": (10, 31), "easter": (4, 5)}
_HOLIDAY_RE = re.compile(rf"\b{_ONSET_BEFORE}\s+(?:just\s+)?(?:before\s+|after\s+)?(?:the\s+)?(?P<h>christmas|xmas|new\s+years?|halloween|easter)\b", re.I)
#: "and then New Year's Day", "on Christmas Day": a day gone by, told as a story's turn.
_HOLIDAY_DAY_RE = re.compile(r"\b(?:and\s+then|then|on)\s+(?P<h>new\s+year'?s\s+(?:day|eve)|christmas\s+(?:day|eve))\b", re.I)
#: "since 2019", "started in 2021": from that year's first day.
_YEAR_RE = re.compile(r"\b(?:since|started|starting|began|begun)\s+(?:(?:early|late|mid)\s+)?(?:in\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
#: "(the 22nd)", "since the 3rd": a day of this month, or of the last one.
_DAY_OF_MONTH_RE = re.compile(
    rf"(?:\b(?P<cue>since|started|began|from)\s+|\(|\bon\s+)the\s+(?P<dom>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH})", re.I
)
#: "going on day 3", "it's day three now", "day 4 of this"
_DAY_N_RE = re.compile(
    rf"\b(?:(?:going\s+on|now\s+on|on|it'?s|its|now|into|this\s+is|we'?re\s+at|i'?m\s+(?:on|at))\s+day\s+(?P<n>\d{{1,3}}|{_WORD})(?![\w/:])(?!\s+of\s+(?:my|the|a|this)\s+(?:plan|training|program|block|streak|challenge|taper|course))"
    rf"|\bday\s+(?P<n2>\d{{1,3}}|{_WORD})\s+(?:now|today|of\s+(?:this|it|the\s+pain|pain|the\s+flare|this\s+flare)))\b",
    re.I,
)
#: An onset word somewhere in the sentence makes "on 22 May" / "in May" the pain's start.
_ONSET_IN_SENTENCE = re.compile(
    r"\b(?:start|started|starts|began|begun|since|came\s+on|kicked\s+in|flared|hurt|injured|tweaked|strained|twinged|niggle|niggled|onset)\b", re.I
)


def _month_number(word: str) -> int:
    w = word.lower()[:3]
    return next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(w))


def _days_since(day: date, now: datetime) -> float:
    return float(max(0, (now.date() - day).days)) or 0.2


def _past_date(month: int, day: int, now: datetime, onset_cue: bool) -> Optional[date]:
    """The date in the past that ``day month`` names, or None for a future plan."""
    try:
        candidate = date(now.year, month, day)
    except ValueError:
        return None
    if candidate > now.date():
        if not onset_cue:
            return None  # "my race on 22 June": a plan, not the pain's start
        try:
            candidate = date(now.year - 1, month, day)
        except ValueError:
            return None
    return candidate


def _date_candidates(text: str, now: datetime) -> Iterable[DurationMatch]:
    low = text.lower()
    for regex in _DATE_RES:
        for m in _near(regex, text, low, _MONTH_WORDS):
            cue = bool(m.group("cue"))
            if not cue and not _ONSET_IN_SENTENCE.search(sentence_of(text, m.start(), m.end())):
                continue
            if m.group("month").lower() == "may" and not cue and not m.groupdict().get("day"):
                continue  # "in may" is mostly the verb: "it may get worse"
            month = _month_number(m.group("month"))
            part = (m.groupdict().get("part") or "").lower()
            if m.groupdict().get("day"):
                day_of_month = int(m.group("day"))
            else:
                day_of_month = 5 if part == "early" else 25 if part in ("late", "end of") else 15 if part.startswith("mid") else 1
            when = _past_date(month, day_of_month, now, cue)
            if when is None:
                continue
            start = m.start("cue") if cue else m.start()
            yield DurationMatch(start, m.end(), _days_since(when, now), text[start : m.end()])
    for m in _near(_HOLIDAY_DAY_RE, text, low, ("year", "christmas")):  # "And then New Year's Day. I nearly got hit ..."
        name = re.sub(r"'?s?\s+(?:day|eve)$", "", " ".join(m.group("h").lower().split()))
        month, day_of_month = _HOLIDAYS.get(name, (None, None))
        if month is None:
            continue
        if m.group("h").lower().endswith("eve"):
            month, day_of_month = (12, 31) if name.startswith("new") else (12, 24)
        when = _past_date(month, day_of_month, now, True)
        if when is not None:
            yield DurationMatch(m.start("h"), m.end(), _days_since(when, now), m.group("h"))
    for m in _near(_HOLIDAY_RE, text, low, ("christmas", "xmas", "year", "halloween", "easter")):
        month, day_of_month = _HOLIDAYS[" ".join(m.group("h").lower().split())]
        when = _past_date(month, day_of_month, now, True)
        if when is not None:
            yield DurationMatch(m.start(), m.end(), _days_since(when, now), m.group(0))
    for m in _near(_YEAR_RE, text, low, ("since", "start", "began", "begun")):
        year = int(m.group("year"))
        if year <= now.year:
            yield DurationMatch(m.start(), m.end(), _days_since(date(year, 1, 1), now), m.group(0))
    for m in _DAY_OF_MONTH_RE.finditer(text) if _ORDINAL.search(text) else ():
        day_of_month = int(m.group("dom"))
        if not (m.group("cue") or _ONSET_IN_SENTENCE.search(sentence_of(text, m.start(), m.end()))):
            continue
        month, year = now.month, now.year
        if day_of_month > now.day:  # "the 22nd" said on the 3rd: last month's
            month, year = (month - 1, year) if month > 1 else (12, year - 1)
        try:
            when = date(year, month, day_of_month)
        except ValueError:
            continue
        yield DurationMatch(m.start(), m.end(), _days_since(when, now), m.group(0))
    for m in _near(_DAY_N_RE, text, low, ("day",)):
        value = number_value(m.group("n") or m.group("n2"))
        if value is not None and 0 < value <= 365:
            yield DurationMatch(m.start(), m.end(), float(value), m.group(0))


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence (to ``.``, ``!``, ``?``, a line break or ``;``) around ``text[start:end]``."""
    cut = max(text.rfind(ch, 0, start) for ch in ".!?\n;")
    ends = [i for i in (text.find(ch, end) for ch in ".!?\n;") if i >= 0]
    return text[cut + 1 : min(ends) if ends else len(text)]


def _dates_another_illness(text: str, d: DurationMatch) -> bool:
    """ "I had a cold last week": the sentence is about another illness, and not the pain."""
    cut = max(text.rfind(ch, 0, d.start) for ch in ".!?\n;")
    sentence = sentence_of(text, d.start, d.end)
    before = text[cut + 1 : d.start]
    if re.search(r"\b(?:since|after)\b", before, re.IGNORECASE):
        return False  # "(it's hurt) since I had flu last week": the illness dates the pain
    return bool(_OTHER_ILLNESS.search(before)) and not _PAIN_ONSET.search(sentence)


def find_durations(text: str, now: Optional[datetime] = None) -> List[DurationMatch]:
    """Every duration in ``text``, left to right, without overlaps (longest wins)."""
    if not text:
        return []
    now = now or datetime.now()
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # same length
    found = sorted(
        (d for d in [*_candidates(text, now), *_date_candidates(text, now)] if not _dates_another_illness(text, d)),
        key=lambda d: (-(d.end - d.start), d.start),
    )
    taken: List[DurationMatch] = []
    for cand in found:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    return sorted(taken, key=lambda d: d.start)


def parse_duration(text: str, now: Optional[datetime] = None) -> Optional[float]:
    """The longest duration said in ``text`` (days), or None: the pain's age is its onset."""
    found = find_durations(text, now)
    return max(d.days for d in found) if found else None
