"""Starting an assessment and giving its one recommendation."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.contract import Level
from backstride.messages import recommendation
from backstride.store import AssessmentStore, key_secret, user_key
from backstride.store.engine import database_url
from backstride.triage import Decision, Facts, decide
from actions.tracker_facts import facts_from, input_channel

logger = logging.getLogger(__name__)

#: How long a recommendation may wait for the database before it is sent unrecorded.
RECORD_TIMEOUT_SECONDS = 10.0

# One store (engine + pool) and one key secret per action-server process, made at first use.
_recorder: Optional[tuple[AssessmentStore, str]] = None
_recorder_lock = threading.Lock()


def store_and_secret() -> tuple[AssessmentStore, str]:
    """The cached store and secret; a failure is not cached, the next assessment tries again."""
    global _recorder
    with _recorder_lock:
        if _recorder is None:
            secret = key_secret()  # first: without a secret, never touch the database
            store = AssessmentStore(database_url())
            try:
                store.verify_schema()  # a clear message when the migrations were not run
            except Exception:
                store.dispose()
                raise
            _recorder = (store, secret)
        return _recorder


def reset_recorder() -> None:
    """Forget the cached store and secret (tests; a changed environment)."""
    global _recorder
    with _recorder_lock:
        if _recorder is not None:
            _recorder[0].dispose()
        _recorder = None


def record_assessment(channel: str, sender_id: str, facts: Facts, decision: Decision) -> None:
    """Store the finished assessment under the sender's pseudonymous key (blocking)."""
    store, secret = store_and_secret()
    store.record(user_key(channel, sender_id, secret), channel, facts, decision)


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
        return [
            SlotSet(c.TRIAGE_LEVEL, decision.level.slot_value),
            SlotSet(c.TRIAGE_REASONS, list(decision.reasons)),
            SlotSet("assessment_done", True),
        ]
