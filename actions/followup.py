"""A runner who comes back, and the check-in that brings them back.

* ``action_session_start``: Rasa's session start, plus a "welcome back" with the
  last stored assessment for a runner who has one (looked up on the channel of
  the previous session's messages, the only ones the tracker holds at that
  point), and the re-arming of a
  pending check-in (a Rasa reminder does not survive a new session otherwise:
  the processor only fires reminders found in the current session's events).
* ``validate_progress_form``: asks "better, the same or worse?" and reads the
  answer (:func:`backstride.followup.read_progress`); a message with new
  symptoms counts as "worse", so an emergency sign is never held up by this
  question.
* ``action_follow_up``: says what to do; a re-check resets the facts, carries
  over the duration from the first report (and ``recurring_despite_rest`` for
  pain back after a rest) and sets ``recheck``, on which a rule hands over to
  ``back_pain_form`` (data/rules/returning.yml).
* ``action_check_in`` (the reminder's intent) and ``action_check_in_reply``
  (the runner's yes or no to the offer made after a ``stop_and_reassess``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActionExecutionRejected,
    EventType,
    ReminderCancelled,
    ReminderScheduled,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.contract import Level
from backstride.followup import (
    PROGRESS_BUTTONS,
    PROGRESS_CLARIFICATION,
    PROGRESS_QUESTION,
    Progress,
    check_in_opening,
    follow_up,
    read_progress,
    welcome_back,
)
from backstride.store.recorder import runner_history
from backstride.store.repository import StoredAssessment
from backstride.triage import decide
from actions.form import NOT_AN_ANSWER
from actions.tracker_facts import bot_spoke_since_user, facts_from, facts_heard_this_turn, input_channel

logger = logging.getLogger(__name__)

PROGRESS_FORM = "progress_form"
PROGRESS = "progress"
RETURNING = "returning"
CHECKIN_OFFERED = "checkin_offered"
RECHECK = "recheck"

#: The reminder's intent; Rasa triggers it as if the runner had sent it.
CHECK_IN_INTENT = "EXTERNAL_check_in"
#: Reminder names start with this; a re-armed reminder gets a new number.
CHECK_IN_NAME = "backstride_check_in"
#: Channels on which the bot can write first. REST answers only the request it is given.
PUSH_CHANNELS = frozenset({"socketio", "slack", "telegram"})
DEFAULT_CHECK_IN_DELAY = timedelta(hours=48)
#: How long a new session may wait for the history before it starts without it.
HISTORY_TIMEOUT_SECONDS = 3.0
#: A pending check-in due within this is firing now: no "welcome back" before it.
DUE_NOW = timedelta(seconds=5)
#: A re-armed check-in that was due already fires this much later.
REARM_DELAY = timedelta(seconds=2)


def check_in_delay() -> timedelta:
    """``BACKSTRIDE_CHECKIN_DELAY_SECONDS`` (tests use seconds), else 48 hours."""
    raw = os.environ.get("BACKSTRIDE_CHECKIN_DELAY_SECONDS", "").strip()
    if not raw:
        return DEFAULT_CHECK_IN_DELAY
    try:
        seconds = float(raw)
    except ValueError:
        logger.error("BACKSTRIDE_CHECKIN_DELAY_SECONDS=%r is not a number; using 48 hours", raw)
        return DEFAULT_CHECK_IN_DELAY
    return timedelta(seconds=max(1.0, seconds))


def can_push(channel: str) -> bool:
    return channel in PUSH_CHANNELS


def check_in_offer(channel: str) -> Optional[dict[str, Any]]:
    """The offer that follows a stop-and-reassess result, in the words the channel allows."""
    if not can_push(channel):
        return None
    days = round(check_in_delay() / timedelta(days=1), 1)
    when = f"in {days:g} day{'s' * (days != 1)}" if days >= 1 else "in a little while"
    return {
        "text": f"Shall I check in with you {when} to ask how your back is? Then we can decide together "
        "whether you're ready to run.",
        "buttons": [{"title": "Yes, check in", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}],
    }


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


async def history_of(tracker: Tracker) -> list[StoredAssessment]:
    """The runner's stored assessments on this channel, oldest first; empty when they can't be read."""
    try:
        return await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(
                None, runner_history, input_channel(tracker), tracker.sender_id
            ),
            HISTORY_TIMEOUT_SECONDS,
        )
    except Exception as error:  # noqa: BLE001 - a visit must never fail for want of history
        logger.error("Could not read the runner's history: %s", type(error).__name__)
        return []


def pending_check_in(events: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The last check-in reminder that was scheduled and has neither fired nor been cancelled."""
    pending: Optional[dict[str, Any]] = None
    for event in events:
        kind = event.get("event")
        if kind == "reminder" and str(event.get("name") or "").startswith(CHECK_IN_NAME):
            pending = event
        elif kind == "cancel_reminder" and pending is not None:
            # Rasa cancels what matches every field given: a name, an intent, or neither (all).
            if event.get("name") in (None, pending.get("name")) and event.get("intent") in (None, CHECK_IN_INTENT):
                pending = None
        elif kind == "user" and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == CHECK_IN_INTENT:
            pending = None
    return pending


def _due(reminder: dict[str, Any]) -> Optional[datetime]:
    try:
        due = datetime.fromisoformat(str(reminder.get("date_time")))
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def rearmed(reminder: dict[str, Any], now: datetime) -> Optional[ReminderScheduled]:
    """The same check-in under a new name, for the new session (never earlier than in 2 s)."""
    due = _due(reminder)
    if due is None:
        return None
    name = str(reminder.get("name"))
    stem, _, number = name.rpartition("-")
    renamed = f"{stem}-{int(number) + 1}" if stem and number.isdigit() else f"{name}-1"
    return ReminderScheduled(
        CHECK_IN_INTENT, trigger_date_time=max(due, now + REARM_DELAY), name=renamed, kill_on_user_message=False
    )


def schedule_check_in(now: datetime) -> ReminderScheduled:
    return ReminderScheduled(
        CHECK_IN_INTENT, trigger_date_time=now + check_in_delay(), name=f"{CHECK_IN_NAME}-0", kill_on_user_message=False
    )


def cancel_check_in() -> ReminderCancelled:
    return ReminderCancelled(intent_name=CHECK_IN_INTENT)


class ActionSessionStart(Action):
    """Rasa's session start, with a returning runner's last check and a pending check-in kept."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        now = now_utc()
        events: list[EventType] = [SessionStarted()]
        pending = pending_check_in(tracker.events)
        due = _due(pending) if pending else None
        firing_now = due is not None and due <= now + DUE_NOW
        if pending is not None:
            again = rearmed(pending, now)
            if again is not None:
                events.append(again)
        # The new message is not in the tracker yet: the channel is the one of the last
        # session's messages. A sender with no earlier message is new, with nothing to look up.
        history = await history_of(tracker) if tracker.get_latest_input_channel() else []
        if history:
            events.append(SlotSet(RETURNING, True))
            if not firing_now:  # the check-in itself will say what the last check was
                dispatcher.utter_message(text=welcome_back(history[-1], now))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionCheckIn(Action):
    """The reminder fired: say which check this is about; the progress form asks the question."""

    def name(self) -> str:
        return "action_check_in"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        history = await history_of(tracker)
        if history:
            dispatcher.utter_message(text=check_in_opening(history[-1], now_utc()))
        else:
            dispatcher.utter_message(text="Checking in, as promised.")
        return [SlotSet(RETURNING, True), SlotSet(PROGRESS, None)]


class ValidateProgressForm(Action):
    """Asks "better, the same or worse?" and reads the answer; new symptoms count as worse."""

    def name(self) -> str:
        return f"validate_{PROGRESS_FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        on_user_turn = (
            tracker.active_loop_name == PROGRESS_FORM
            and tracker.get_slot("requested_slot") == PROGRESS
            and not bot_spoke_since_user(tracker)
        )
        if not on_user_turn:
            dispatcher.utter_message(text=PROGRESS_QUESTION, buttons=list(PROGRESS_BUTTONS))
            return [SlotSet("unclear_answers", 0), SlotSet("requested_slot", PROGRESS)]

        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        progress = read_progress(message.get("text") or "")
        heard = facts_heard_this_turn(tracker)
        if progress is None and heard:
            progress = Progress.WORSE  # new symptoms: look again, at once
        if progress is None and intent in NOT_AN_ANSWER:
            return [ActionExecutionRejected(PROGRESS_FORM)]
        if progress is None:
            misses = int(tracker.get_slot("unclear_answers") or 0) + 1
            if misses < 2:
                dispatcher.utter_message(text=PROGRESS_CLARIFICATION, buttons=list(PROGRESS_BUTTONS))
                return [SlotSet("unclear_answers", misses), SlotSet("requested_slot", PROGRESS)]
            progress = Progress.UNCLEAR
        return [SlotSet(PROGRESS, progress.value), SlotSet("unclear_answers", 0), SlotSet("requested_slot", None)]


def _fresh_assessment(prefill: dict[str, object]) -> list[EventType]:
    """Forget the last conversation's facts and result, then set what carries over."""
    events: list[EventType] = [SlotSet(slot, None) for slot in c.FACT_SLOTS if slot not in prefill]
    events += [
        SlotSet(c.UNSURE_FACTS, None),
        SlotSet(c.CONFIRMING, None),
        SlotSet(c.HEARD, None),
        SlotSet(c.CHEST_MENTIONED, None),
        SlotSet("unclear_answers", 0),
        SlotSet(c.TRIAGE_LEVEL, None),
        SlotSet(c.TRIAGE_REASONS, None),
        SlotSet("assessment_done", False),
    ]
    return events + [SlotSet(slot, value) for slot, value in prefill.items()]


class ActionFollowUp(Action):
    """What the answer means: ease back in, keep to the plan, or check again with the history."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            progress = Progress(tracker.get_slot(PROGRESS))
        except ValueError:
            progress = Progress.UNCLEAR
        plan = follow_up(progress, await history_of(tracker), now_utc())
        events: list[EventType] = [SlotSet(RETURNING, False), cancel_check_in()]
        if not plan.rerun:
            dispatcher.utter_message(text=plan.message)
            return events + [SlotSet(RECHECK, False)]
        # Symptoms said in this very answer stay: they are news, not history.
        said_now = {slot: tracker.get_slot(slot) for slot in facts_heard_this_turn(tracker) if slot in c.FACT_SLOTS}
        carried = {**plan.prefill, **{k: v for k, v in said_now.items() if v is not None}}
        if decide(facts_from(tracker, carried)).level < Level.EMERGENCY:  # emergency advice comes first, alone
            dispatcher.utter_message(text=plan.message)
        return events + _fresh_assessment(carried) + [SlotSet(RECHECK, True)]


class ActionCheckInReply(Action):
    """Yes or no to "shall I check in with you?"."""

    def name(self) -> str:
        return "action_check_in_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        events: list[EventType] = [SlotSet(CHECKIN_OFFERED, False)]
        if intent != "affirm":
            dispatcher.utter_message(
                text="No problem. Come back whenever you like and tell me how your back is; I'll remember your last check."
            )
            return events
        delay = check_in_delay()
        hours = delay / timedelta(hours=1)
        when = f"in about {hours:g} hours" if hours >= 1 else "shortly"
        dispatcher.utter_message(
            text=f"Done: I'll ask how your back is {when}. If anything gets worse before then, just tell me."
        )
        # One pending check-in at a time: the same name replaces an earlier one; a re-armed
        # one (another name) is cancelled (Rasa cancels after it schedules, so by name only).
        new = schedule_check_in(now_utc())
        earlier = pending_check_in(tracker.events)
        if earlier is not None and earlier.get("name") != new["name"]:
            events.append(ReminderCancelled(name=earlier.get("name")))
        return events + [new]
