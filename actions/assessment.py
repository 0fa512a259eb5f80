"""Starting an assessment and giving its one recommendation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.contract import Level
from backstride.messages import recommendation
from backstride.triage import decide
from actions.tracker_facts import facts_from


class ActionStartAssessment(Action):
    """Introduce the assistant once, unless an emergency must come first."""

    def name(self) -> str:
        return "action_start_assessment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        first_reply = not any(event.get("event") == "bot" for event in tracker.events)
        if first_reply and decide(facts_from(tracker)).level < Level.EMERGENCY:
            dispatcher.utter_message(response="utter_intro")
        return [SlotSet(c.TRIAGE_LEVEL, None), SlotSet(c.TRIAGE_REASONS, None)]


class ActionRecommend(Action):
    """Apply the rule table and say what to do, once, in one message."""

    def name(self) -> str:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        facts = facts_from(tracker)
        decision = decide(facts)
        dispatcher.utter_message(text=recommendation(decision))
        return [
            SlotSet(c.TRIAGE_LEVEL, decision.level.slot_value),
            SlotSet(c.TRIAGE_REASONS, list(decision.reasons)),
            SlotSet("assessment_done", True),
        ]
