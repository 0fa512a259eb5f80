"""The words of a recommendation: level, reasons, what to do, when to get help.

Pure text assembly from a :class:`~backstride.triage.Decision`; the Rasa action
only sends what this returns. Written in the project's own words from the
seed article's facts and the NHS / NICE red flags.
"""

from __future__ import annotations

from typing import Mapping, Optional

from backstride import contract as c
from backstride.contract import Level
from backstride.triage import Decision, Facts

HEADLINE: dict[Level, str] = {
    Level.EMERGENCY: "🚨 Emergency: stop now and call your local emergency number "
    "(911 in the US, 999 in the UK, 112 in most of Europe) or go to an emergency department straight away.",
    Level.URGENT: "⚠️ Urgent: please don't run. See a doctor today: ask for a same-day "
    "appointment or go to an urgent care clinic.",
    Level.SEE_CLINICIAN: "🩺 See a clinician: stop running until a physiotherapist, "
    "sports-medicine doctor or GP has examined your back.",
    Level.STOP_AND_REASSESS: "⏸️ Stop and reassess: take a break from running for now, "
    "and check your back again in 2-3 days.",
    Level.MODIFY_AND_CONTINUE: "✅ Keep running, with changes: nothing you told me is a "
    "reason to stop, but your back is asking for a lighter, smarter routine.",
}

#: "Because you said ..." for each rule id.
REASON: dict[str, str] = {
    "emergency_signs": "you described a sign that a nerve bundle in the spine may be squeezed "
    "(bladder or bowel trouble, numbness around the groin or buttocks, or weakness or numbness "
    "in both legs or a leg that is quickly getting weaker)",
    "bilateral_radiation": "the pain spreads down both legs",
    "major_trauma": "the pain started after a fall, collision or accident",
    "chest_pain": "you have chest pain as well as back pain",
    "systemic_signs": "you mentioned fever, feeling very unwell, weight loss you can't explain "
    "or a history of cancer",
    "thoracic_pain": "the pain is in your upper back, between or around the shoulder blades, "
    "which is less often a simple running strain",
    "radiating_below_knee": "the pain shoots down past your knee, which can mean an irritated nerve",
    "radiating_leg": "the pain runs down into your thigh",
    "numbness_tingling": "you have numbness, tingling or pins and needles in a leg or foot",
    "leg_weakness": "one leg feels weak",
    "worse_with_rest": "the pain gets worse when you rest or at night",
    "persists_weeks": "the pain has lasted three weeks or more",
    "recurs_despite_rest": "the pain keeps coming back even after rest and changes to training",
    "severe_pain": "you rated the pain 8 out of 10 or more",
    "worse_during_run": "the pain builds up as a run goes on, a sign of irritation rather than "
    "ordinary soreness",
    "gait_change": "the pain changes the way you move (limping, a shorter stride or favouring a side), "
    "which shifts load onto other joints",
    "persists_beyond_72h": "it has lasted three days or more, longer than normal post-run soreness",
}

QUESTION_TOPIC: dict[str, str] = {
    c.EMERGENCY_SIGNS: "bladder, bowel, groin numbness or both legs",
    c.TRAUMA: "whether it began with a fall or accident",
    c.SYSTEMIC_SIGNS: "fever, weight loss or a history of cancer",
    c.PAIN_LOCATION: "where the pain is",
    c.PAIN_RADIATION: "whether the pain spreads into your legs",
    c.PAIN_DURATION_DAYS: "how long it has lasted",
    c.NUMBNESS_TINGLING: "numbness or tingling",
    c.LEG_WEAKNESS: "leg weakness",
    c.WORSE_WITH_REST: "pain at rest or at night",
    c.RECURRING_DESPITE_REST: "whether it keeps coming back",
    c.PAIN_SEVERITY: "how strong the pain is",
    c.WORSE_DURING_RUN: "whether it grows during a run",
    c.GAIT_CHANGE: "whether it changes how you move",
    c.CHEST_PAIN: "chest pain or new breathlessness",
}

DO_NOW: dict[Level, str] = {
    Level.EMERGENCY: "Don't wait to see if it settles and don't drive yourself if you can avoid it. "
    "If you can, have someone stay with you.",
    Level.URGENT: "Don't run or train until a doctor has seen you. Bring a note of when the pain "
    "started and anything that makes it better or worse.",
    Level.SEE_CLINICIAN: "Until you're seen: skip running, keep gently active (easy walking is "
    "usually fine if it doesn't hurt more), and avoid anything that sends pain into your leg.",
    Level.STOP_AND_REASSESS: "For the next 2-3 days: no running. Keep fit with low-impact work that "
    "doesn't hurt (swimming, cycling, walking). If the pain has eased when you check again, return "
    "gradually with shorter, easier runs.",
    Level.MODIFY_AND_CONTINUE: "What helps: cut this week's distance and intensity back a little; "
    "add core, glute and hip strength work two or three times a week; watch your form (no "
    "overstriding or over-arching the lower back); run on softer surfaces in shoes that suit you; "
    "and once it settles, add no more than about 10 % to your weekly load.",
}

SEEK_HELP: dict[Level, str] = {
    Level.EMERGENCY: "",
    Level.URGENT: "Call an emergency number instead if you lose control of your bladder or bowels, "
    "feel numb around your groin or buttocks, get weakness in both legs, or have chest pain.",
    Level.SEE_CLINICIAN: "Get help the same day if you develop a fever or feel very unwell, and call "
    "an emergency number at once for loss of bladder or bowel control, numbness around the groin, "
    "or weakness in both legs.",
    Level.STOP_AND_REASSESS: "See a physio or doctor if it isn't clearly better in 2-3 days, if it "
    "keeps coming back, or if pain spreads down a leg or you get numbness, tingling or weakness. "
    "Loss of bladder or bowel control or numbness around the groin means calling an emergency "
    "number at once.",
    Level.MODIFY_AND_CONTINUE: "Stop and rethink if the pain grows during a run, lasts beyond "
    "2-3 days or makes you limp; see a physio or doctor if it lasts a few weeks, keeps coming back, "
    "or comes with numbness, tingling or leg weakness. Loss of bladder or bowel control or numbness "
    "around the groin means calling an emergency number at once.",
}

NOT_A_DIAGNOSIS = (
    "This is general information to help you decide, not a diagnosis or a substitute for "
    "an examination by a health professional."
)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + "; and " + parts[-1]


def reasons_text(decision: Decision) -> str:
    parts = [REASON[rule_id] for rule_id in decision.reasons if rule_id in REASON]
    unsure = [QUESTION_TOPIC[slot] for slot in decision.unsure if slot in QUESTION_TOPIC]
    lines = []
    if parts:
        lines.append("Why: because " + _join(parts) + ".")
    if unsure:
        lines.append(
            "You weren't sure about " + _join(unsure) + ". When a warning sign can't be ruled "
            "out, it's safest to have a clinician check it rather than assume it's fine."
        )
    if not lines:
        lines.append(
            "Why: none of the warning signs I asked about applies to you: the pain stays in "
            "your back, hasn't lasted long, doesn't grow during runs and doesn't change how you move."
        )
    return "\n".join(lines)


#: What a sign heard uncertainly was, in a few words: "a serious fall or accident".
SIGN_NAME: dict[str, str] = {
    c.EMERGENCY_SIGNS: "one of the emergency signs",
    c.TRAUMA: "a serious fall or accident that started this pain",
    c.CHEST_PAIN: "chest pain or new breathlessness",
    c.PAIN_RADIATION: "pain going down both legs",
}


def sources_text(facts: Facts, heard: Mapping[str, Mapping[str, str]]) -> str:
    """Where the facts that were not taken at face value came from, in the runner's words.

    "You mentioned "went over on the kerb"; you told me it wasn't a serious fall, so I
    didn't count it." An old injury the reader itself set aside is said so too.
    """
    lines = []
    for slot, source in heard.items():
        words = " ".join(str((source or {}).get("text", "")).split())[:120]
        if slot not in SIGN_NAME or not words:
            continue
        value = getattr(facts, slot, None)
        name = SIGN_NAME[slot]
        confirmed = slot in facts.confirming
        if value == c.EMERGENCY_VALUES[slot]:
            if confirmed:
                lines.append(f'You mentioned "{words}" and told me it was {name}.')
        elif slot in facts.unsure:
            lines.append(f'You mentioned "{words}" and weren\'t sure whether it was {name}.')
        elif confirmed and value is not None:
            lines.append(f'You mentioned "{words}"; you told me it wasn\'t {name}, so I didn\'t count it as one.')
        elif slot == c.TRAUMA and value is False and (source or {}).get("why") == "past":
            lines.append(
                f'You mentioned "{words}": an injury from a while back that the pain has grumbled on from '
                "is not the kind of fall that needs emergency care, so I didn't count it as one."
            )
    return "\n".join(lines)


def recommendation(
    decision: Decision, facts: Optional[Facts] = None, heard: Optional[Mapping[str, Mapping[str, str]]] = None
) -> str:
    """The single final message of an assessment."""
    why = reasons_text(decision)
    sources = sources_text(facts, heard) if facts is not None and heard else ""
    if sources:
        why += "\n" + sources
    sections = [HEADLINE[decision.level], why, "What to do now: " + DO_NOW[decision.level]]
    if SEEK_HELP[decision.level]:
        sections.append("When to get help: " + SEEK_HELP[decision.level])
    sections.append(NOT_A_DIAGNOSIS)
    return "\n\n".join(sections)
