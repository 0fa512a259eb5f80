"""Starting an assessment and giving its one recommendation."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.contract import Level
from backstride.messages import recommendation
from backstride.store.recorder import record_assessment
from backstride.triage import decide
from actions.followup import CHECKIN_OFFERED, RECHECK, cancel_check_in, check_in_offer
from actions.tracker_facts import facts_from, input_channel

logger = logging.getLogger(__name__)

#: How long a recommendation may wait for the database before it is sent unrecorded.
RECORD_TIMEOUT_SECONDS = 10.0


def _error_text(error: BaseException) -> str:
    # A SQLAlchemy statement error's text carries the bound parameters (the facts):
    # keep health details out of the log, name the database error only.
    orig = getattr(error, "orig", None)
    detail = orig if orig is not None else error
    return f"{type(detail).__name__}: {detail}"


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
        # A new check makes a pending check-in moot; its result may offer a new one.
        return [SlotSet(c.TRIAGE_LEVEL, None), SlotSet(c.TRIAGE_REASONS, None), cancel_check_in()]


class ActionRecommend(Action):
    """Apply the rule table and say what to do, once, in one message."""

    def name(self) -> str:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        facts = facts_from(tracker)
        decision = decide(facts)
        dispatcher.utter_message(text=recommendation(decision, facts, tracker.get_slot(c.HEARD) or {}))
        # Recording must never cost the runner the recommendation: any failure is logged only.
        try:
            await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(
                    None, record_assessment, input_channel(tracker), tracker.sender_id, facts, decision
                ),
                RECORD_TIMEOUT_SECONDS,
            )
        except asyncio.TimeoutError:
            logger.error("The assessment was not recorded: the database did not answer within %ss",
                         RECORD_TIMEOUT_SECONDS)
        except Exception as error:  # noqa: BLE001 - the safety message goes out whatever happened
            logger.error("The assessment was not recorded: %s", _error_text(error))
        events: list[EventType] = [
            SlotSet(c.TRIAGE_LEVEL, decision.level.slot_value),
            SlotSet(c.TRIAGE_REASONS, list(decision.reasons)),
            SlotSet("assessment_done", True),
            SlotSet(RECHECK, False),
        ]
        # "Check again in 2-3 days": on a channel that can write first, offer to do the asking.
        offer = check_in_offer(input_channel(tracker)) if decision.level == Level.STOP_AND_REASSESS else None
        if offer is not None:
            dispatcher.utter_message(**offer)
            events.append(SlotSet(CHECKIN_OFFERED, True))
        return events
