"""How one message becomes fact updates.

Inputs are plain data (the entities the NLU found, the intent, the text and the
question the form is on), so this is tested without Rasa. Two sources count:

* findings of our own symptom reader, anywhere in the text, for any fact, at
  any turn ("my lower back has hurt for 4 days, no numbness" fills three);
* a short answer to the question just asked: yes / no / not sure, a bare
  number for severity or duration, or a button's typed value for that slot.

Some short answers only mean something next to their question, and are read
here, not by the reader (which never sees the question): "only at night"
(worse with rest), "it builds" / "the same all run" (worse during a run), "my
left leg" / "just my back" (how far it spreads), "all over" (location), a
bare "fine" / "my legs feel fine" (no, to any yes/no question, and nothing
else), "yes, both legs" to the one-leg numbness or weakness question (an
emergency sign). A number beats "maybe" ("maybe 6"), and when severity is
asked every score said counts and the highest wins ("3 at rest, 6 on runs").

Entities from anywhere else (a typed ``/intent{"slot": value}`` message) are
trusted only for the question that was asked: nobody can type themselves past
a red-flag question they were not asked.

An emergency sign the reader heard uncertainly (its entity has a
``certainty``: a hedge, a past event, a fall that may have been minor, "my
legs" for both legs) sets nothing: it is to be confirmed (``Update.confirm``,
the runner's words), and the form asks that first, with the emergency advice
(the triage policy, section 6.2). Where a fact's words were not taken at face value
(an old fall read as "no serious fall this time") ``Update.heard`` keeps them
for the explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from backstride import contract as c

#: The ``extractor`` name our spaCy component puts on its entities.
TRUSTED_EXTRACTOR = "SymptomEntityExtractor"

AFFIRM, DENY, NOT_SURE = "affirm", "deny", "not_sure"

# A location heard twice in one message: the one that matters most clinically wins.
LOCATION_PRIORITY = ("upper_back", "lower_back", "mid_back", "neck", "buttock_hip", "other")
#: The contract lists radiation values from none to the most serious.
RADIATION_ORDER = c.RADIATIONS

# Longer phrases first: the first alternative that matches wins, and "nothing like
# that" must be read whole for the rest of the message to count as a new finding.
_YES_WORDS = (
    r"i think so|i believe so|i guess so|think so|"
    r"y|yes+|yeah|yea|yep|yup|ya|aye|sure|correct|right|true|i do|it does|i have|i am|"
    r"definitely|absolutely|indeed|affirmative"
)
_NO_WORDS = (
    r"nothing like that|none of (?:those|them|that|these|the above)|no to all(?: of)?(?: (?:those|them|that|these))?|"
    r"not that i(?:'?ve| have)? (?:know of|noticed|noticed so far|remember|recall|can tell|am aware of|'?m aware of)|"
    r"not as far as i (?:know|can tell)|(?:thankfully|luckily|fortunately|happily) (?:not|no|none)|"
    r"probably not|i doubt it|doubt it|i don'?t think so|"
    r"i'?ve not|i have not|i'?ve had none|not had any|had none|i hadn'?t|"
    r"nowhere|no ?where|not anywhere|"
    r"n|no+|nope|nah|naw|not really|not at all|never|none|nothing|negative|false|"
    r"i don'?t|it doesn'?t|doesn'?t|does not|i didn'?t|didn'?t|did not|i haven'?t|haven'?t|i'?m not|don'?t think so"
)
# A hedged yes ("a bit", "sometimes") only when it is the whole answer or opens a
# condition: "a bit of back pain, nothing else" is not a yes to a red-flag question.
_HEDGED_YES = re.compile(
    r"^\s*(?:a (?:little |tiny )?bit|a little|a touch|slightly|sometimes|occasionally|now and then|"
    r"kind of|sort of|kinda|sorta|a fair bit|quite a bit|a lot)"
    r"\s*(?:$|[.!,;:\-]|(?:when|if|after|during|on|at|in|yes|yeah|yep|i think|mostly|now and then|now and again|recently|lately)\b)",
    re.IGNORECASE,
)
_YES = re.compile(rf"^\s*({_YES_WORDS}|👍)(?!\w)", re.IGNORECASE)
_NO = re.compile(rf"^\s*({_NO_WORDS}|👎)(?!\w)", re.IGNORECASE)
# "no, it doesn't" is an answer; "no numbness" is a finding about numbness.
_STANDALONE_TAIL = re.compile(
    r"^\s*($|[,.!;:\-]|(it|i|i'm|not|nothing|none|that|that's|thats|there|really|"
    r"thanks|thank|but|and|at all|definitely|never|sadly)\b)",
    re.IGNORECASE,
)
_UNSURE = re.compile(
    r"\b(not sure|unsure|dunno|don'?t know|no idea|idk|can'?t (really )?(tell|say)|"
    r"hard to (say|tell)|no clue|not certain|maybe|perhaps|possibly|"
    # nothing to go on yet: "I haven't run since it started", "haven't really rested"
    r"haven'?t (?:really |actually |even )?(?:been )?(?:able to )?(?:run|ran|running|tried|rested|been out)|"
    r"(?:not|haven'?t) (?:been )?(?:out )?running (?:since|lately|at all|yet))\b",
    re.IGNORECASE,
)
# Weaker than a "no" at the start ("no, I don't remember falling" is a no).
_UNSURE_AFTER_NO = re.compile(r"\b(can'?t|don'?t|do not|cannot) (?:really )?(remember|recall)\b", re.IGNORECASE)


# --------------------------------------------------------------------------- answers in context
# Short answers that only mean something next to the question just asked. Each
# pattern covers the WHOLE message, so nothing else in it can be negated or lost.
_END = r"\s*[.!]*\s*$"
_YES_LEAD = r"(?:(?:yes|yeah|yep|yup|ya)\b[\s,.!]*)?"
_NO_LEAD = r"(?:(?:no|nope|nah|naw)\b[\s,.!]*)?"

#: "fine", "all normal", "my legs feel fine", "everything's ok thanks": no to a yes/no question.
_BARE_REASSURANCE = re.compile(
    r"^(?!\s*no\s+(?:good|better)\b)\s*" + _NO_LEAD + r"(?:(?:i think|i'd say|honestly|thankfully|luckily)[\s,]+)?"
    r"(?:(?:it'?s|its|it is|they'?re|they are|that'?s|all'?s|all is|everything'?s|everything is|everything|all|"
    r"i'?m|i am|i feel|feel|feels|feeling|(?:my |the )?\w+(?: \w+)? (?:feel|feels|are|is|seem|seems|'s))\s+)?"
    r"(?:all\s+)?(?:totally\s+|completely\s+|perfectly\s+|pretty\s+|absolutely\s+|really\s+|quite\s+)?"
    r"(?:fine|normal|ok|okay|good|great|strong|healthy|well|alright|all right|grand|sound|as normal|as usual|"
    r"(?:the )?same as (?:usual|always|ever|normal)|strong as ever|all good|no problems?|no issues)"
    r"(?:\s+(?:thanks|thank you|thankfully|otherwise|as far as i know|down there|in myself|really|mate|"
    r"health ?wise|generally|to me|so far|at the moment|now))*" + _END,
    re.IGNORECASE,
)
_CONTEXT_ANSWERS: dict[str, list[tuple[re.Pattern, Any]]] = {
    # "Is the pain worse when you rest, or does it trouble you at night?" -> "only at night"
    c.WORSE_WITH_REST: [(re.compile(
        r"^\s*" + _YES_LEAD + r"(?:it'?s\s+)?(?:(?:only|mostly|mainly|just|especially|usually|definitely)\s+)?(?:worse\s+)?"
        r"(?:at night|in bed|overnight|night ?time|nights|in the night|during the night|in the evenings?|"
        r"when (?:i'?m |i am |i )?(?:resting|rest|lying(?: down)?|in bed|asleep|sleeping|sitting still|still|trying to sleep))"
        r"(?:\s+(?:mostly|mainly|only|really|too|as well|yes|yeah))*" + _END, re.IGNORECASE), True)],
    # "When you run, does the pain build up as the run goes on?"
    c.WORSE_DURING_RUN: [
        (re.compile(
            r"^\s*" + _YES_LEAD + r"(?:it\s+)?(?:does\s+)?(?:(?:builds?|building)(?:\s+up)?|ramps up|creeps up|"
            r"gets (?:worse|sorer|tighter|more painful)(?: and worse)?|(?:gets )?worse and worse|gets progressively worse|"
            r"increases|grows|intensifies|escalates)"
            r"(?:\s+(?:gradually|steadily|slowly|as i go|the longer i go|the further i go|over time|a bit|yes|yeah))*" + _END,
            re.IGNORECASE), True),
        (re.compile(
            r"^\s*" + _YES_LEAD + r"by the end(?: of (?:the|a|my) (?:run|session|race))?[\s,]*(?:it'?s|its|it is)?\s*"
            r"(?:really |much |very |pretty |quite )?(?:bad|worse|sore|painful|awful|killing me|agony)" + _END,
            re.IGNORECASE), True),
        (re.compile(
            r"^\s*" + _NO_LEAD + r"(?:it'?s\s+|it is\s+|it stays\s+|stays\s+|it\s+)?(?:about |pretty much |roughly |more or less |pretty |fairly |quite )?"
            r"(?:the same|constant|steady|consistent|unchanged|stable)"
            r"(?:\s+(?:all (?:run|the way|the time)|throughout|the whole (?:time|run|way)|from start to finish|all through|really))*" + _END,
            re.IGNORECASE), False),
    ],
    # "Where exactly is the pain?" -> "all over"
    c.PAIN_LOCATION: [(re.compile(
        r"^\s*(?:it'?s\s+)?(?:all over(?: the place| my back)?|everywhere|across my whole back)" + _END, re.IGNORECASE), "other")],
}
#: "Does the pain spread anywhere?" -> "my left leg", "yes, into my calf", "my butt"
_RADIATION_SITE = re.compile(
    r"^\s*" + _YES_LEAD + r"(?:it\s+)?(?:(?:goes|spreads|travels|shoots|radiates|moves)\s+)?(?:(?:down|into|to|in)\s+)?"
    r"(?:(?:my|the)\s+)?(?P<both>both\s+(?:my\s+|of my\s+)?)?(?:(?:left|right|l|r)\s+)?(?:back of (?:my |the )?)?"
    r"(?P<site>legs?|thighs?|hamstrings?|knees?|calf|calves|shins?|ankles?|foot|feet|toes|heels?|bum|buttocks?|butt|glutes?|hips?|backside)"
    r"(?:\s+(?:a bit|sometimes|too|as well|mostly|only))?" + _END,
    re.IGNORECASE,
)
_SITE_RADIATION = {
    "leg": "thigh", "thigh": "thigh", "hamstring": "thigh", "knee": "thigh",
    "calf": "below_knee", "shin": "below_knee", "ankle": "below_knee", "foot": "below_knee", "toes": "below_knee",
    "heel": "below_knee", "bum": "buttock", "buttock": "buttock", "butt": "buttock", "glute": "buttock",
    "hip": "buttock", "backside": "buttock",
}
_ONE_LEG_FACTS = (c.NUMBNESS_TINGLING, c.LEG_WEAKNESS)
_PLURAL_LEGS = {"legs", "thighs", "hamstrings", "knees", "calves", "shins", "ankles", "feet"}


#: "yes, in both feet" to the numbness question, "both of them" to the weakness one.
_BOTH_LEGS = re.compile(
    r"\b(?:both|each)\s+(?:of\s+)?(?:my\s+|the\s+)?(?:legs?|feet|foot|sides|them|calves|thighs|shins)\b"
    r"|\b(?:left and right|right and left)\b|\bboth\s*[.!]*\s*$",
    re.IGNORECASE,
)

_NOT_BOTH = re.compile(r"\b(?:not|n't|never|neither|nor)\s+(?:in\s+|on\s+)?(?:both|each)\b", re.IGNORECASE)


#: "just my back", "only the lower back really": said to the radiation question, it stays put.
#: (Out of context "no chest pain, just my back" is not about radiation, so the reader leaves it.)
_ONLY_THE_BACK = re.compile(
    r"^\s*" + _NO_LEAD + r"(?:it'?s\s+|its\s+|it is\s+)?(?:just|only|purely|solely)\s+(?:in\s+|to\s+)?(?:my|the)\s+"
    r"(?:(?:lower|low|upper|mid|middle)\s+)?(?:back|spine)(?:\s+(?:area|region))?"
    r"(?:\s+(?:that hurts|hurts|really|mostly|thankfully|i think))?"
    r"(?:[\s,;.-]+(?:nowhere else|it doesn'?t (?:go|spread|travel|move) anywhere(?: else)?))?" + _END,
    re.IGNORECASE,
)


def _radiation_site(text: str) -> Optional[str]:
    """The radiation a bare body part names, said in answer to the radiation question."""
    m = _RADIATION_SITE.match(text or "")
    if not m:
        return None
    site = m.group("site").lower()
    if m.group("both") or site in _PLURAL_LEGS:
        return "both_legs"
    return _SITE_RADIATION.get(site) or _SITE_RADIATION.get(site.rstrip("s"))


def _context_answer(requested_slot: str, text: str) -> Any:
    """The value a short answer has next to the question asked, or None."""
    for pattern, value in _CONTEXT_ANSWERS.get(requested_slot, ()):
        if pattern.match(text or ""):
            return value
    if requested_slot in c.BOOL_FACTS and _BARE_REASSURANCE.match(text or ""):
        return False
    if requested_slot == c.PAIN_RADIATION:
        if _ONLY_THE_BACK.match(text or ""):
            return "none"
        return _radiation_site(text)
    return None


@dataclass
class Update:
    """What one message told us."""

    values: dict[str, Any] = field(default_factory=dict)
    #: Slots answered "not sure" in this message.
    unsure: set[str] = field(default_factory=set)
    #: Emergency signs heard uncertainly, to be confirmed: slot -> the runner's words.
    confirm: dict[str, str] = field(default_factory=dict)
    #: Where a fact came from when it was not taken at face value: slot -> {"text", "why"}.
    heard: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The runner mentioned the chest or breathing: the safety check asks about chest pain.
    chest_mentioned: bool = False


#: Below this, the classifier's affirm / deny / not_sure alone is no answer: gibberish
#: ("blorp", "xqzv") comes out as some intent at 0.4-0.65, real replies at 0.99+.
YES_NO_MIN_CONFIDENCE = 0.8


def yes_no_unsure(intent: Optional[str], text: str, confidence: float = 1.0) -> Optional[str]:
    """Read a short reply as affirm / deny / not_sure, the words first, then the intent
    (only when the classifier is sure of it: a "no" it guessed could skip a red flag)."""
    text = text or ""
    if _UNSURE.search(text):
        return NOT_SURE
    if _NO.match(text):
        return DENY
    if _YES.match(text) or _HEDGED_YES.match(text):
        return AFFIRM
    if _UNSURE_AFTER_NO.search(text):
        return NOT_SURE
    if intent in (AFFIRM, DENY, NOT_SURE) and confidence >= YES_NO_MIN_CONFIDENCE:
        return intent
    return None


def _coerce(slot: str, value: Any) -> Any:
    """A value in the contract's type for ``slot``, or None where it has none."""
    if slot in c.BOOL_FACTS:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return None
    if slot in c.FLOAT_FACTS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if number != number or number < 0:  # NaN or negative
            return None
        if slot == c.PAIN_SEVERITY and number > 10:
            return None
        return number
    if slot in c.CATEGORICAL_FACTS:
        return value if value in c.CATEGORICAL_FACTS[slot] else None
    return None


def merge_values(slot: str, values: list[Any]) -> Any:
    """One value from several findings of the same fact in one message, the safe way round."""
    if slot in c.BOOL_FACTS:
        return any(values)  # one positive mention outweighs a negated one: safer
    if slot == c.PAIN_LOCATION:
        return min(values, key=LOCATION_PRIORITY.index)
    if slot == c.PAIN_RADIATION:
        return max(values, key=RADIATION_ORDER.index)
    return max(values)  # duration and severity: the larger figure is the safer one


def interpret(
    entities: Iterable[Mapping[str, Any]],
    intent: Optional[str],
    text: str,
    requested_slot: Optional[str],
    intent_confidence: float = 1.0,
) -> Update:
    """Turn one parsed message into fact updates (see the module docstring)."""
    heard: dict[str, list[Any]] = {}
    numbers: list[float] = []
    confirm: dict[str, str] = {}
    sources: dict[str, dict[str, str]] = {}
    chest_mentioned = False
    for entity in entities:
        slot = entity.get("entity")
        trusted = entity.get("extractor") == TRUSTED_EXTRACTOR
        if slot == "number" and trusted:
            number = _coerce(c.PAIN_DURATION_DAYS, entity.get("value"))
            if number is not None:
                numbers.append(number)
            continue
        if slot == c.CHEST_MENTIONED and trusted:
            chest_mentioned = True
            continue
        if slot not in c.FACT_SLOTS or not (trusted or slot == requested_slot):
            continue
        value = _coerce(slot, entity.get("value"))
        if value is None:
            continue
        certainty = entity.get("certainty") if trusted else None
        if certainty == "hedge" or (certainty and slot != requested_slot):
            # Said in answer to its own question ("I fell on the ice" when asked about a
            # fall), only a hedge leaves it open; anywhere else it is to be confirmed.
            words = _words_of(text, entity)
            sources[slot] = {"text": words, "why": str(certainty)}
            if c.EMERGENCY_VALUES.get(slot) == value and type(value) is type(c.EMERGENCY_VALUES[slot]):
                confirm.setdefault(slot, words)
                continue  # not a fact until the runner confirms it
        heard.setdefault(slot, []).append(value)

    # A sign to confirm outweighs an old fall read as "no serious fall this time": the
    # runner's yes or no decides ("the fall didn't seem like much" beside "went down hard").
    confirm = {slot: words for slot, words in confirm.items() if slot not in heard or not any(heard[slot])}
    heard = {slot: values for slot, values in heard.items() if slot not in confirm}
    update = Update(
        {slot: merge_values(slot, values) for slot, values in heard.items()},
        confirm=confirm,
        heard=sources,
        chest_mentioned=chest_mentioned,
    )
    if requested_slot is None:
        return update
    if requested_slot in c.FLOAT_FACTS:
        # A number asked for beats "maybe": "maybe 6", "6 or 7", "3 at rest, 6 when I run".
        # Severity is asked "at its worst", so every score said counts and the highest wins;
        # a range of days ("4 or 5") takes its upper end, like the duration parser.
        if requested_slot == c.PAIN_SEVERITY:
            scores = [n for n in numbers if n <= 10] + ([update.values[requested_slot]] if requested_slot in update.values else [])
            if scores:
                update.values[requested_slot] = float(max(scores))
        elif requested_slot not in update.values and numbers:
            update.values[requested_slot] = float(max(numbers))
    if requested_slot in update.values:
        return update

    context = _context_answer(requested_slot, text)
    if context is not None:
        if context is False or requested_slot == c.PAIN_RADIATION:
            # the whole message was this answer: "legs feel fine" answers the weakness
            # question, it is not also a radiation answer; "my butt" is where it spreads
            update.values = {
                slot: value for slot, value in update.values.items()
                if not (value is False or value == "none" or (slot == c.PAIN_LOCATION and value == "buttock_hip"))
            }
        update.values[requested_slot] = context
        return update

    reply = yes_no_unsure(intent, text, intent_confidence)
    if reply == NOT_SURE:
        update.unsure.add(requested_slot)
    elif requested_slot in c.BOOL_FACTS:
        # A yes/no counts for the question asked unless the message is really
        # about something else ("no numbness" when asked about weakness).
        if reply is not None and (not update.values or _starts_with_yes_no(text)):
            if (
                reply == AFFIRM
                and requested_slot in _ONE_LEG_FACTS
                and _BOTH_LEGS.search(text or "")
                and not _NOT_BOTH.search(text or "")
            ):
                # numbness or weakness in BOTH legs is an emergency sign, not the one-leg fact
                update.values[c.EMERGENCY_SIGNS] = True
            else:
                update.values[requested_slot] = reply == AFFIRM
    elif requested_slot == c.PAIN_RADIATION:
        if reply == DENY:
            update.values[requested_slot] = "none"
    return update


def _words_of(text: str, entity: Mapping[str, Any]) -> str:
    """The runner's own words for an entity, as one short line."""
    try:
        words = (text or "")[int(entity["start"]) : int(entity["end"])]
    except (KeyError, TypeError, ValueError):
        words = ""
    return " ".join(words.split())[:120]


def _starts_with_yes_no(text: str) -> bool:
    """True when the message opens with a yes or no that stands on its own."""
    match = _YES.match(text or "") or _NO.match(text or "")
    return bool(match and _STANDALONE_TAIL.match(text[match.end():]))


def settle(heard: Mapping[str, Any], stored: Mapping[str, Any], requested_slot: Optional[str]) -> dict[str, Any]:
    """The heard values that replace what is stored.

    A correction wins ("actually it's been 2 weeks"), but a reassurance heard
    in passing never undoes an earlier warning sign: "I feel fine otherwise"
    after "I had cancer", or "my legs are fine" after "it shoots down my
    thigh", would lower the level. Only a direct answer to the question being
    asked may lower a fact, and the form only asks what is not known yet.
    """
    kept: dict[str, Any] = {}
    for slot, value in heard.items():
        before = stored.get(slot)
        lowers = (before is True and value is False) or (
            slot == c.PAIN_RADIATION
            and before in RADIATION_ORDER
            and RADIATION_ORDER.index(value) < RADIATION_ORDER.index(before)
        )
        if lowers and slot != requested_slot:
            continue
        kept[slot] = value
    return kept
