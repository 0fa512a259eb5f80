"""``action_extract_facts``: every fact a message states, at any turn.

Runs once after each user message (the custom slot mapping of every fact slot
names it), inside the form and outside it, so a fact said once is never asked
for again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.answers import interpret, settle
from actions.tracker_facts import requested_slot


def _confidence(message: dict[str, Any]) -> float:
    try:
        return float((message.get("intent") or {}).get("confidence", 1.0))
    except (TypeError, ValueError):
        return 0.0


class ActionExtractFacts(Action):
    def name(self) -> str:
        return "action_extract_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        asked = requested_slot(tracker)
        update = interpret(
            message.get("entities") or [],
            (message.get("intent") or {}).get("name"),
            message.get("text") or "",
            asked,
            _confidence(message),
        )
        values = settle(update.values, tracker.slots, asked)
        events: list[EventType] = [SlotSet(slot, value) for slot, value in values.items()]

        unsure_before = set(tracker.get_slot(c.UNSURE_FACTS) or [])
        unsure_now = (unsure_before - set(values)) | update.unsure
        if unsure_now != unsure_before:
            events.append(SlotSet(c.UNSURE_FACTS, sorted(unsure_now)))

        # A sign heard uncertainly waits for the runner's yes or no (asked next by the form).
        confirming = list(tracker.get_slot(c.CONFIRMING) or [])
        fresh = [s for s in update.confirm if s not in confirming and s not in values and tracker.get_slot(s) is None]
        if fresh:
            events.append(SlotSet(c.CONFIRMING, confirming + fresh))
        if update.heard:
            events.append(SlotSet(c.HEARD, {**(tracker.get_slot(c.HEARD) or {}), **update.heard}))
        if update.chest_mentioned and not tracker.get_slot(c.CHEST_MENTIONED):
            events.append(SlotSet(c.CHEST_MENTIONED, True))
        return events
