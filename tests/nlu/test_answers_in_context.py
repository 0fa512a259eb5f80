"""Plain-word answers to the form's own questions, read the way the bot reads them.

Each case is what a runner might type straight after the question in
``backstride/prompts.yml`` for one slot (the tracker's ``requested_slot``).
The message goes through the symptom reader, then through
``backstride.answers.interpret`` with the intent a classifier would plausibly
give, exactly as the Rasa component and ``action_extract_facts`` do it.

A case fixes two things:

* the value the asked slot gets (or ``UNSURE``: recorded as "not sure";
  ``None``: the slot is left unset because the answer is about something
  more serious, e.g. both legs weak -> an emergency sign);
* every OTHER slot the answer sets (``also``): an answer must not set a slot
  it says nothing about ("no, nothing like that" to the emergency question
  is not an answer about numbness).

The assessment clock is fixed (a Monday) so that weekdays count the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, NamedTuple, Optional

import pytest

from backstride.answers import TRUSTED_EXTRACTOR, interpret
from backstride.contract import FORM_SLOTS, FLOAT_FACTS
from backstride.nlu.reader import Finding, SymptomReader

NOW = datetime(2024, 6, 10, 12, 0)  # a Monday
UNSURE = "UNSURE"

AFFIRM, DENY, NOT_SURE, DESCRIBE = "affirm", "deny", "not_sure", "describe_pain"


class Case(NamedTuple):
    text: str
    intent: Any  # one intent, or a tuple of the intents a classifier might pick: each must give the same
    want: Any  # value of the asked slot, UNSURE, or None (left unset)
    also: Dict[str, Any] = {}


def component_entities(findings: List[Finding]) -> List[Dict[str, Any]]:
    """Entities as ``SymptomEntityExtractor`` puts them on the message."""
    return [
        {
            "entity": f.slot, "value": f.value, "start": f.start, "end": f.end, "extractor": TRUSTED_EXTRACTOR,
            **({"certainty": f.certainty} if f.certainty != "plain" else {}),
        }
        for f in findings
    ]


C = Case
EITHER_NO = (DENY, DESCRIBE)  # the words must carry the answer, whichever the classifier picks
EITHER_YES = (AFFIRM, DESCRIBE)
CASES: Dict[str, List[Case]] = {
    # "First a safety check. Since the pain began, have you had any of these: trouble controlling
    # your bladder or bowels ..., numbness around your groin ..., or weakness or numbness in BOTH legs ...?"
    "emergency_signs": [
        C("no", DENY, False),
        C("NO", DENY, False),
        C("no, nothing like that", EITHER_NO, False),
        C("nothing like that, just the back pain", EITHER_NO, False),
        C("nope, none of those", EITHER_NO, False),
        C("none of the above", EITHER_NO, False),
        C("thankfully not", EITHER_NO, False),
        C("nah mate, all fine down there", EITHER_NO, False),
        C("not that I've noticed", EITHER_NO, False),
        C("No problems with my bladder or bowels", EITHER_NO, False),
        C("Nope. Peeing normally and no numbness down there", EITHER_NO, False),
        C("no, I can pee fine", EITHER_NO, False),
        C("no, my legs are fine", EITHER_NO, False),
        C("everything's normal", EITHER_NO, False),
        C("no, but I'd worry if I couldn't pee", EITHER_NO, False),
        C("no, but what if I get numbness down there later?", EITHER_NO, False),
        C("no. My friend had cauda equina though", EITHER_NO, False),
        C("no, but my left leg is a bit numb", EITHER_NO, False, {"numbness_tingling": True}),
        C("I can't control my bowels", DESCRIBE, True),
        C("yes, I've wet myself a couple of times", EITHER_YES, True),
        C("yeah both my legs feel weak", EITHER_YES, True),
        C("i think so, my groin has gone a bit numb", EITHER_YES, True),
        C("yes - I can't feel my bum when I wipe", EITHER_YES, True),
        C("I can't feel my groin", DESCRIBE, True),
        C("I can't feel both my legs properly", DESCRIBE, True),
        C("I had trouble peeing this morning", DESCRIBE, True, {"pain_duration_days": 0.3}),
        C("it's hard to pee sometimes", DESCRIBE, True),
        C("I've had a bit of leaking", DESCRIBE, True),
        C("my right foot has started to drag when I walk", DESCRIBE, True),
        C("both legs have gone numb", DESCRIBE, True),
        C("yes both legs", AFFIRM, True),
        C("not sure", NOT_SURE, UNSURE),
        C("I don't know, maybe", NOT_SURE, UNSURE),
    ],
    # "Does the pain spread anywhere, or does it stay in your back?"
    "pain_radiation": [
        C("nowhere, it's only my back", EITHER_NO, "none"),
        C("nowhere", EITHER_NO, "none"),
        C("nowhere else", EITHER_NO, "none"),
        C("it stays in my back", EITHER_NO, "none"),
        C("Stays in my back", EITHER_NO, "none"),
        C("just my back", EITHER_NO, "none"),
        C("only my back", EITHER_NO, "none"),
        C("it doesn't spread", EITHER_NO, "none"),
        C("doesnt spread anywhere", EITHER_NO, "none"),
        C("stays put", EITHER_NO, "none"),
        C("it's localised", EITHER_NO, "none"),
        C("No, it stays in my lower back", EITHER_NO, "none", {"pain_location": "lower_back"}),
        C("it's just in my back, nowhere else", EITHER_NO, "none"),
        C("nah it stays where it is", EITHER_NO, "none"),
        C("it doesn't go anywhere else", EITHER_NO, "none"),
        C("it just stays in the one spot", EITHER_NO, "none"),
        C("no, doesn't go down my legs", EITHER_NO, "none"),
        C("only in my back, it doesn't travel", EITHER_NO, "none"),
        C("it stays in my back mostly", EITHER_NO, "none"),
        C("no leg pain at all", EITHER_NO, "none"),
        C("yes, it goes down to my calf", EITHER_YES, "below_knee"),
        C("down the back of my thigh but not past the knee", DESCRIBE, "thigh"),
        C("into my left buttock", DESCRIBE, "buttock"),
        C("my butt", DESCRIBE, "buttock"),
        C("yes, my left leg", EITHER_YES, "thigh"),
        C("yeah the back of my knee", EITHER_YES, "thigh"),
        C("it goes down both legs", DESCRIBE, "both_legs"),
        C("sometimes it shoots down to my foot", DESCRIBE, "below_knee"),
        C("it radiates down my right leg past the knee", DESCRIBE, "below_knee"),
        C("yeah into my bum", EITHER_YES, "buttock"),
        C("down my leg", DESCRIBE, "thigh"),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "Did it start after a real fall, a collision or an accident ...?"
    "trauma": [
        C("no", DENY, False),
        C("I didn't fall", EITHER_NO, False),
        C("nah, nothing like that", EITHER_NO, False),
        C("no, it just crept up on me", EITHER_NO, False),
        C("it just crept up on me", EITHER_NO, False),
        C("no accident, it came on gradually", EITHER_NO, False),
        C("nope, no injury", EITHER_NO, False),
        C("no falls or crashes", EITHER_NO, False),
        C("I don't think so", EITHER_NO, False),
        C("just from running", EITHER_NO, False),
        C("I think it's just overuse", EITHER_NO, False),
        C("not that I remember", EITHER_NO, False),
        C("no, I don't remember falling", EITHER_NO, False),
        C("no, it came on slowly over a few weeks", EITHER_NO, False, {"pain_duration_days": 21.0}),
        C("no, but my friend fell off his bike", EITHER_NO, False),
        C("I fell on the ice", DESCRIBE, True),
        C("yes, I was hit by a car on my bike", EITHER_YES, True),
        C("yeah I slipped and landed hard on my back", EITHER_YES, True),
        C("I got knocked off my bike last week", DESCRIBE, True, {"pain_duration_days": 7.0}),
        C("my mate crashed into me at parkrun", DESCRIBE, True),
        C("I was in a car crash", DESCRIBE, True),
        C("fell down the stairs", DESCRIBE, True),
        C("Nope, it just started during a run", EITHER_NO, False),
        C("I can't remember anything like that", (NOT_SURE, DESCRIBE), UNSURE),
    ],
    # "Do you have a fever or feel really unwell, have you lost weight without trying, or have you ever had cancer?"
    "systemic_signs": [
        C("no", DENY, False),
        C("no fever, I feel fine", EITHER_NO, False),
        C("I feel fine", EITHER_NO, False),
        C("feeling fine thanks", EITHER_NO, False),
        C("I'm healthy otherwise", EITHER_NO, False),
        C("nope, feel totally fine in myself", EITHER_NO, False),
        C("none of those", EITHER_NO, False),
        C("no, but my mum had cancer", EITHER_NO, False),
        C("nah mate, fit as a fiddle", EITHER_NO, False),
        C("no fevers, no weight loss, never had cancer", EITHER_NO, False),
        C("not unwell, no", EITHER_NO, False),
        C("I've lost a bit of weight but that's on purpose", EITHER_NO, False),
        C("I've lost a few kilos but I've been dieting", EITHER_NO, False),
        C("I've had cancer before", EITHER_YES, True),
        C("I had breast cancer 5 years ago", EITHER_YES, True),
        C("yes, I've been running a temperature", EITHER_YES, True),
        C("i've lost a lot of weight without trying", EITHER_YES, True),
        C("I've lost weight without trying to", EITHER_YES, True),
        C("I've been sweating a lot at night", EITHER_YES, True),
        C("yeah I've been feeling really run down and feverish", EITHER_YES, True),
        C("I feel really unwell", DESCRIBE, True),
        C("I had a cold last week but I'm fine now", DENY, False),
        C("I've not had any of those", EITHER_NO, False),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "Where exactly is the pain?"
    "pain_location": [
        C("lower back", DESCRIBE, "lower_back"),
        C("my lower back", DESCRIBE, "lower_back"),
        C("Lower Back", DESCRIBE, "lower_back"),
        C("lowr back", DESCRIBE, "lower_back"),
        C("right side of my lower back", DESCRIBE, "lower_back"),
        C("low back, on the right", DESCRIBE, "lower_back"),
        C("right side, low down", DESCRIBE, "lower_back"),
        C("the small of my back", DESCRIBE, "lower_back"),
        C("it's around my tailbone", DESCRIBE, "lower_back"),
        C("bottom of my spine", DESCRIBE, "lower_back"),
        C("lumbar area", DESCRIBE, "lower_back"),
        C("between my shoulder blades", DESCRIBE, "upper_back"),
        C("betwen my sholder blades", DESCRIBE, "upper_back"),
        C("upper back near my shoulder blade", DESCRIBE, "upper_back"),
        C("middle of my back", DESCRIBE, "mid_back"),
        C("midle of my back", DESCRIBE, "mid_back"),
        C("kind of mid back, around bra strap height", DESCRIBE, "mid_back"),
        C("in my neck", DESCRIBE, "neck"),
        C("my hip", DESCRIBE, "buttock_hip"),
        C("left glute", DESCRIBE, "buttock_hip"),
        C("all over my back", DESCRIBE, "other"),
        C("all over", DESCRIBE, "other"),
        C("just the lower back, it stays there", DESCRIBE, "lower_back", {"pain_radiation": "none"}),
    ],
    # "How long have you had this pain? (For example: since this morning, 4 days, 2 weeks.)"
    "pain_duration_days": [
        C("a couple of days", DESCRIBE, 2.0),
        C("couple days", DESCRIBE, 2.0),
        C("since last Tuesday", DESCRIBE, 6.0),
        C("roughly a fortnight", DESCRIBE, 14.0),
        C("10 days or so", DESCRIBE, 10.0),
        C("half a day", DESCRIBE, 0.5),
        C("a few hours", DESCRIBE, 0.2),
        C("about 3 weeks", DESCRIBE, 21.0),
        C("four days", DESCRIBE, 4.0),
        C("4", DESCRIBE, 4.0),
        C("4 or 5", DESCRIBE, 5.0),
        C("it started yesterday", DESCRIBE, 1.0),
        C("a month or so", DESCRIBE, 30.0),
        C("ached for 5 days", DESCRIBE, 5.0),
        C("since my long run on Saturday", DESCRIBE, 2.0),
        C("about a week and a half", DESCRIBE, 10.5),
        C("two or three days", DESCRIBE, 3.0),
        C("since this morning", DESCRIBE, 0.3),
        C("on and off for 2 months", DESCRIBE, 60.0, {"recurring_despite_rest": True}),
        C("3 days ago", DESCRIBE, 3.0),
        C("since last weekend", DESCRIBE, 2.0),
        C("about six weeks now", DESCRIBE, 42.0),
        C("months", DESCRIBE, 60.0),
        C("all week", DESCRIBE, 7.0),
        C("today", DESCRIBE, 0.2),
        C("since I had flu last week", DESCRIBE, 7.0),
        C("not sure, maybe 2 weeks", NOT_SURE, 14.0),
        C("not sure, a while", NOT_SURE, UNSURE),
    ],
    # "Do you have numbness, tingling or pins and needles in a leg or foot?"
    "numbness_tingling": [
        C("no", DENY, False),
        C("nope, none", EITHER_NO, False),
        C("not really", EITHER_NO, False),
        C("no numbness or tingling", EITHER_NO, False),
        C("nah, feels normal", EITHER_NO, False),
        C("feels normal", EITHER_NO, False),
        C("my feet feel fine", EITHER_NO, False),
        C("no pins and needles", EITHER_NO, False),
        C("nothing like that", EITHER_NO, False),
        C("no, the feeling is normal in both legs", EITHER_NO, False),
        C("no, but my hands tingle sometimes", EITHER_NO, False),
        C("yes, pins and needles in my left foot", EITHER_YES, True),
        C("my toes go a bit numb sometimes", DESCRIBE, True),
        C("I think so, a bit of tingling in my calf", EITHER_YES, True),
        C("sometimes my foot tingles", EITHER_YES, True),
        C("yeah my right leg feels a bit numb", EITHER_YES, True),
        C("a little bit", (AFFIRM, DESCRIBE, None), True),
        C("my calf feels fizzy", DESCRIBE, True),
        C("both my legs are numb", DESCRIBE, None, {"emergency_signs": True}),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "Does one of your legs feel weak or give way?"
    "leg_weakness": [
        C("no", DENY, False),
        C("nah mate", EITHER_NO, False),
        C("not that I've noticed", EITHER_NO, False),
        C("no weakness", EITHER_NO, False),
        C("I don't think so", EITHER_NO, False),
        C("no, they both feel strong", EITHER_NO, False),
        C("nope, my legs are strong", EITHER_NO, False),
        C("legs feel fine", EITHER_NO, False),
        C("strong as ever", EITHER_NO, False),
        C("not weak, just sore", EITHER_NO, False),
        C("yes my left knee buckles sometimes", EITHER_YES, True),
        C("my right leg feels weak on hills", DESCRIBE, True),
        C("yeah, it gave way on a run", EITHER_YES, True),
        C("sometimes it feels like my leg might give way", EITHER_YES, True),
        C("a bit, my left leg is weaker than the right", EITHER_YES, True),
        C("my left leg feels wobbly", DESCRIBE, True),
        C("both legs feel weak", DESCRIBE, None, {"emergency_signs": True}),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "Is the pain worse when you rest, or does it trouble you at night?"
    "worse_with_rest": [
        C("only at night", EITHER_YES, True),
        C("at night mostly", EITHER_YES, True),
        C("it wakes me up", EITHER_YES, True),
        C("yes, it's worse lying in bed", EITHER_YES, True),
        C("it's worse when I'm lying down", DESCRIBE, True),
        C("it's worse at night, yes", EITHER_YES, True),
        C("yeah it keeps me awake", EITHER_YES, True),
        C("it aches at night too", DESCRIBE, True),
        C("it hurts even when resting", DESCRIBE, True),
        C("it's fine when I rest", EITHER_NO, False),
        C("no, rest helps", EITHER_NO, False),
        C("no, I sleep fine", EITHER_NO, False),
        C("nights are fine", EITHER_NO, False),
        C("nope, it eases off when I rest", EITHER_NO, False),
        C("not really, it's worse when I'm moving", EITHER_NO, False),
        C("it's worse when I move", EITHER_NO, False),
        C("it's better when I rest", EITHER_NO, False),
        C("no it's ok at night", EITHER_NO, False),
        C("only when I run", EITHER_NO, False),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "Does this pain keep coming back, even after you've rested and changed your training?"
    "recurring_despite_rest": [
        C("it's come back a few times even after resting", EITHER_YES, True),
        C("yes, every time I start running again it comes back", EITHER_YES, True),
        C("yeah it keeps coming back", EITHER_YES, True),
        C("yes, this is the third time this year", EITHER_YES, True),
        C("it's happened a few times before", EITHER_YES, True),
        C("it's a recurring thing, yeah", EITHER_YES, True),
        C("first time", EITHER_NO, False),
        C("no, this is the first time", EITHER_NO, False),
        C("no, it's new", EITHER_NO, False),
        C("never had it before", EITHER_NO, False),
        C("nope, first time it's happened", EITHER_NO, False),
        C("nah, it's a one off", EITHER_NO, False),
        C("not really", EITHER_NO, False),
        C("not sure, I haven't really rested yet", NOT_SURE, UNSURE),
        C("I haven't rested yet", (NOT_SURE, DENY, DESCRIBE), UNSURE),
    ],
    # "On a scale from 0 (no pain) to 10 (the worst you can imagine), how bad is it at its worst?"
    "pain_severity": [
        C("about a 4", DESCRIBE, 4.0),
        C("four", DESCRIBE, 4.0),
        C("4 out of 10", DESCRIBE, 4.0),
        C("maybe a 6 or 7", (DESCRIBE, NOT_SURE), 7.0),
        C("maybe 6", (DESCRIBE, NOT_SURE), 6.0),
        C("7/10", DESCRIBE, 7.0),
        C("8", DESCRIBE, 8.0),
        C("it's a solid 5", DESCRIBE, 5.0),
        C("like 3, it's not too bad", DESCRIBE, 3.0),
        C("ten", DESCRIBE, 10.0),
        C("5-6", DESCRIBE, 6.0),
        C("6 to 7", DESCRIBE, 7.0),
        C("between 5 and 6", DESCRIBE, 6.0),
        C("pretty bad, like an 8", DESCRIBE, 8.0),
        C("3 when running, 6 at worst", DESCRIBE, 6.0),
        C("it's a 3 at rest and a 6 when I run", DESCRIBE, 6.0),
        C("on a scale of 1 to 10, 6", DESCRIBE, 6.0),
        C("seven out of ten", DESCRIBE, 7.0),
        C("I'd say 6", DESCRIBE, 6.0),
        C("probably 7ish", DESCRIBE, 7.0),
        C("a 9, it's awful", DESCRIBE, 9.0),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "When you run, does the pain build up as the run goes on?"
    "worse_during_run": [
        C("it gets worse the further I run", EITHER_YES, True),
        C("yes, it builds up", EITHER_YES, True),
        C("it builds", EITHER_YES, True),
        C("it ramps up", EITHER_YES, True),
        C("yeah by the end of a long run it's much worse", EITHER_YES, True),
        C("the longer I go the worse it gets", EITHER_YES, True),
        C("yes it gets progressively worse", EITHER_YES, True),
        C("it's the same all run", EITHER_NO, False),
        C("it stays the same", EITHER_NO, False),
        C("pretty constant", EITHER_NO, False),
        C("no, it actually eases once I'm warmed up", EITHER_NO, False),
        C("it's worse at the start then eases", EITHER_NO, False),
        C("nope, steady the whole time", EITHER_NO, False),
        C("no, it only hurts after I stop", EITHER_NO, False),
        C("not really, it's about the same throughout", EITHER_NO, False),
        C("I haven't run since it started", (NOT_SURE, DENY, DESCRIBE), UNSURE),
    ],
    # "Does the pain make you limp, shorten your stride or favour one side?"
    "gait_change": [
        C("yeah I'm limping a bit", EITHER_YES, True),
        C("I've been favouring my left side", DESCRIBE, True),
        C("I favor my right leg", DESCRIBE, True),
        C("my stride feels shorter", DESCRIBE, True),
        C("I'm taking shorter steps", DESCRIBE, True),
        C("i walk a bit funny", DESCRIBE, True),
        C("a little hobble sometimes", EITHER_YES, True),
        C("yes, I'm hobbling about", EITHER_YES, True),
        C("a little bit when it's bad", (AFFIRM, DESCRIBE, None), True),
        C("my partner says I'm limping", DESCRIBE, True),
        C("no, running normally", EITHER_NO, False),
        C("no", DENY, False),
        C("nope, walking fine", EITHER_NO, False),
        C("not that I've noticed", EITHER_NO, False),
        C("no limp", EITHER_NO, False),
        C("nah, my gait's normal", EITHER_NO, False),
        C("same as always", EITHER_NO, False),
        C("not sure", NOT_SURE, UNSURE),
    ],
    # "One more safety question. Along with the back pain, do you have any pain, pressure or
    # tightness in your chest, or breathlessness that is new for you?"
    "chest_pain": [
        C("yes", AFFIRM, True),
        C("yeah, my chest feels tight", EITHER_YES, True),
        C("there's a pressure behind my breastbone", DESCRIBE, True),
        C("I've been out of breath, which is new", DESCRIBE, True),
        C("yes, a tight chest on runs", EITHER_YES, True),
        C("my chest hurts a bit", DESCRIBE, True),
        C("no", DENY, False),
        C("nope, chest is fine", EITHER_NO, False),
        C("no chest pain", EITHER_NO, False),
        C("no, breathing's normal", EITHER_NO, False),
        C("nothing like that", EITHER_NO, False),
        C("all fine", EITHER_NO, False),
        C("not sure", NOT_SURE, UNSURE),
    ],
}

PARAMS = [
    pytest.param(slot, case, intent, id=f"{slot}: {case.text} [{intent}]")
    for slot, cases in CASES.items()
    for case in cases
    for intent in (case.intent if isinstance(case.intent, tuple) else (case.intent,))
]


@pytest.fixture(scope="module")
def reader() -> SymptomReader:
    return SymptomReader()


def test_every_form_slot_has_at_least_twelve_answers():
    assert set(CASES) == set(FORM_SLOTS)
    for slot, cases in CASES.items():
        assert len(cases) >= 12, slot
        assert len({c.text for c in cases}) == len(cases), f"duplicate answers for {slot}"


def _same(slot: str, got: Any, want: Any) -> bool:
    if slot in FLOAT_FACTS:
        return isinstance(got, float) and abs(got - float(want)) <= 0.05
    return got == want and type(got) is type(want)


@pytest.mark.parametrize("slot,case,intent", PARAMS)
def test_answer_in_context(reader: SymptomReader, slot: str, case: Case, intent: Optional[str]):
    entities = component_entities(reader.read(case.text, now=NOW))
    update = interpret(entities, intent, case.text, slot)
    values = dict(update.values)
    if case.want == UNSURE:
        assert slot in update.unsure and slot not in values, f"{case.text!r}: want unsure, got {values}, {update.unsure}"
    elif case.want is None:
        assert slot not in values and slot not in update.unsure, f"{case.text!r}: {slot} should stay unset, got {values}"
    else:
        assert slot in values, f"{case.text!r} did not answer {slot}: {values}; entities {entities}"
        assert _same(slot, values[slot], case.want), f"{case.text!r}: {slot}={values[slot]!r}, want {case.want!r}"
    others = {k: v for k, v in values.items() if k != slot}
    assert set(others) == set(case.also), f"{case.text!r} set other slots {others}, want {case.also}"
    for other, want in case.also.items():
        assert _same(other, others[other], want), f"{case.text!r}: {other}={others[other]!r}, want {want!r}"


# --------------------------------------------------------------------------- safety, whatever the question

#: A plainly stated emergency sign counts whatever question was asked (the triage policy, section 6.2).
STATED_EMERGENCY = [
    ("pain_severity", DESCRIBE, "8, and I can't pee properly"),
    ("pain_duration_days", DESCRIBE, "3 days, and my groin's gone numb"),
    ("trauma", DENY, "no, but both my legs feel weak"),
    ("pain_location", DESCRIBE, "lower back, and I've wet myself twice"),
    ("gait_change", AFFIRM, "yes, my foot keeps dragging"),
    ("worse_during_run", DESCRIBE, "it builds up and now I can't feel my bum"),
    ("systemic_signs", DENY, "no, but I've lost control of my bladder"),
    ("numbness_tingling", AFFIRM, "yes, in both feet"),
    ("leg_weakness", AFFIRM, "yes, both legs"),
    ("leg_weakness", AFFIRM, "yes, both of them"),
    ("worse_with_rest", DESCRIBE, "I can't hold my wee any more"),
]

#: Negated, hypothetical or someone else's: never a red flag, whatever question was asked.
NO_RED_FLAG = [
    ("numbness_tingling", DENY, "no numbness in my groin or legs"),
    ("emergency_signs", DENY, "no incontinence, no saddle numbness"),
    ("emergency_signs", DENY, "no, but what if I lose control of my bladder?"),
    ("emergency_signs", DENY, "I'd go to A&E if I couldn't pee"),
    ("emergency_signs", DESCRIBE, "if I got numbness in my groin would that be bad?"),
    ("emergency_signs", DENY, "no, my mum has bladder problems"),
    ("leg_weakness", AFFIRM, "yes but not both legs"),
    ("trauma", DESCRIBE, "I'm scared I'll fall"),
    ("trauma", DENY, "no, but my friend fell off his bike"),
    ("trauma", DESCRIBE, "it just crept up on me"),
    ("systemic_signs", DESCRIBE, "could it be cancer?"),
    ("systemic_signs", DENY, "no, my dad had bowel cancer"),
    ("systemic_signs", DESCRIBE, "lower back feeling rough"),
    ("pain_radiation", DENY, "it doesn't go down my legs"),
    ("pain_radiation", DENY, "no, not into both legs"),
    ("leg_weakness", DENY, "no, neither leg is weak"),
]
RED_FLAGS = {"emergency_signs": True, "trauma": True, "systemic_signs": True, "chest_pain": True, "pain_radiation": "both_legs"}


@pytest.mark.parametrize("slot,intent,text", STATED_EMERGENCY, ids=[t for _, _, t in STATED_EMERGENCY])
def test_a_stated_emergency_sign_is_heard_whatever_was_asked(reader: SymptomReader, slot: str, intent: str, text: str):
    update = interpret(component_entities(reader.read(text, now=NOW)), intent, text, slot)
    assert update.values.get("emergency_signs") is True, f"{text!r} (asked {slot}): {update.values}"


@pytest.mark.parametrize("slot,intent,text", NO_RED_FLAG, ids=[t for _, _, t in NO_RED_FLAG])
def test_a_negated_or_hypothetical_mention_never_raises_a_red_flag(reader: SymptomReader, slot: str, intent: str, text: str):
    update = interpret(component_entities(reader.read(text, now=NOW)), intent, text, slot)
    fired = {k: v for k, v in update.values.items() if RED_FLAGS.get(k) == v and type(v) is type(RED_FLAGS[k])}
    assert not fired, f"{text!r} (asked {slot}) raised {fired}"
