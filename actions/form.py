"""``validate_back_pain_form``: what the form asks next, and unclear answers.

The facts are already in the tracker (``action_extract_facts`` ran first);
this action only decides:

* the next question (:func:`backstride.questions.next_question`), or none,
  which ends the form: an emergency sign ends it at once;
* a message that is not an answer (a question, "restart", "bye") rejects the
  form for this turn so the rules can answer it, then the form resumes; but a
  message that answers the question asked is an answer whatever its intent;
* an answer in which nothing at all was understood gets a short explanation
  before the question is asked again; a third such answer in a row counts as
  "not sure", which never lowers the level.

It also asks the question (texts in ``backstride/prompts.yml``), so the domain
holds no ``utter_ask_*`` response that only the form would use.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backstride import contract as c
from backstride.prompts import Prompt, clarification, confirmation, noted_unsure, question
from backstride.questions import next_question
from actions.tracker_facts import (
    FORM_NAME,
    bot_spoke_since_user,
    facts_from,
    facts_heard_this_turn,
    requested_slot,
)

#: Intents that are not answers to a question: the rules handle them mid-form.
NOT_AN_ANSWER = frozenset({"faq", "start_over", "goodbye", "help", "out_of_scope", "forget_me", "what_do_you_know"})

#: How many unclear answers to one question before it counts as "not sure".
MAX_UNCLEAR = 2


def _say(dispatcher: CollectingDispatcher, prompt: Prompt) -> None:
    dispatcher.utter_message(text=prompt.text, buttons=list(prompt.buttons))


class ValidateBackPainForm(Action):
    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asked = requested_slot(tracker)
        on_user_turn = tracker.active_loop_name == FORM_NAME and not bot_spoke_since_user(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")

        heard = facts_heard_this_turn(tracker)
        # A message that answers the question is an answer, whatever the classifier
        # thought ("for 1 day now" once came out as goodbye, which ended the form).
        if on_user_turn and intent in NOT_AN_ANSWER and asked not in heard:
            return [ActionExecutionRejected(FORM_NAME)]

        events: list[EventType] = []
        overrides: dict[str, Any] = {}
        facts = facts_from(tracker)
        understood_nothing = not heard
        if on_user_turn and asked is not None and understood_nothing and not facts.known(asked):
            misses = int(tracker.get_slot("unclear_answers") or 0) + 1
            if misses > MAX_UNCLEAR:
                _say(dispatcher, noted_unsure())
                unsure = sorted(set(tracker.get_slot(c.UNSURE_FACTS) or []) | {asked})
                overrides[c.UNSURE_FACTS] = unsure
                events += [SlotSet(c.UNSURE_FACTS, unsure), SlotSet("unclear_answers", 0)]
            else:
                _say(dispatcher, clarification(asked))
                events.append(SlotSet("unclear_answers", misses))
        elif on_user_turn:
            events.append(SlotSet("unclear_answers", 0))

        now = facts_from(tracker, overrides)
        following = next_question(now)
        if following is not None and following in now.confirming:
            heard = (tracker.get_slot(c.HEARD) or {}).get(following) or {}
            _say(dispatcher, confirmation(following, heard.get("text", "")))
        elif following is not None:
            _say(dispatcher, question(following))
        return events + [SlotSet("requested_slot", following)]
