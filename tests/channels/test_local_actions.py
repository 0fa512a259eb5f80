"""The actions the Rasa server runs itself (channels/local_actions.py): the same events
as the action server's answer to the whole tracker, no request, and a failure that
counts as a failed call."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.endpoints import EndpointConfig

from backstride import contract as c
from backstride.nlu.component import SymptomEntityExtractor
from channels import action_calls, local_actions

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
NAME = "action_extract_facts"
#: A port nothing listens on: a call that reached the network would fail.
CLOSED = EndpointConfig("http://127.0.0.1:9/webhook")

action_calls.install()
extractor = SymptomEntityExtractor({})

INTENTS = {"yes": "affirm", "no": "deny", "not sure": "not_sure", "hi": "greet"}
ANSWERS = ["no", "yes", "not sure", "3", "about a week", "it goes down my right leg to the calf",
           "actually no, I didn't fall", "I can't feel anything from the waist down", "hi"]


def openers() -> list[str]:
    texts = [v["opener"] for v in yaml.safe_load((ROOT / "tests/vignettes/dev.yml").read_text(encoding="utf-8"))]
    for path in sorted((ROOT / "tests/vignettes/real/dev").glob("*.yml"))[:2]:
        texts += [v["opener"] for v in yaml.safe_load(path.read_text(encoding="utf-8"))][:10]
    return texts


def user_turn(tracker: DialogueStateTracker, text: str) -> None:
    intent = {"name": INTENTS.get(text, "describe_pain"), "confidence": 0.9}
    message = Message(data={"text": text, "intent": intent})
    extractor.process([message])
    parse = {"text": text, "intent": message.get("intent"), "entities": message.get("entities") or [],
             "intent_ranking": [message.get("intent")]}
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, parse["intent"], parse["entities"], parse))


def remote_answer(tracker: DialogueStateTracker) -> dict:
    """What the action server answers to the body Rasa would post it: every event."""
    state = json.loads(json.dumps(tracker.current_state(EventVerbosity.ALL)))
    assert state["events"], "the remote body carries the conversation"
    return asyncio.run(local_actions.answer(NAME, state))


def conversations():
    for number, opener in enumerate(openers()):
        answers = list(itertools.islice(itertools.cycle(ANSWERS), number % len(ANSWERS), number % len(ANSWERS) + 4))
        yield opener, answers


@pytest.mark.parametrize("opener,answers", list(conversations()), ids=lambda x: x[:30] if isinstance(x, str) else None)
def test_run_locally_gives_the_events_the_action_server_gives_for_the_whole_tracker(opener, answers):
    tracker = DialogueStateTracker.from_events("runner", [], slots=DOMAIN.slots)
    user_turn(tracker, opener)
    form_slots = itertools.cycle(c.FORM_SLOTS)
    for text in [None, *answers]:
        if text is not None:
            tracker.update(ActiveLoop("back_pain_form"))
            tracker.update(SlotSet("requested_slot", next(form_slots)))
            user_turn(tracker, text)
        remote = remote_answer(tracker)
        local = asyncio.run(local_actions.run_locally(
            RemoteAction(NAME, CLOSED), CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker))
        assert local == deserialise_events(remote["events"]), text
        assert remote["responses"] == []
        for event in local:
            tracker.update(event)


def test_the_conversations_set_facts_so_the_comparison_means_something():
    tracker = DialogueStateTracker.from_events("runner", [], slots=DOMAIN.slots)
    user_turn(tracker, "my lower back has hurt for 4 days, no numbness")
    events = asyncio.run(RemoteAction(NAME, CLOSED).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN))
    values = {e.key: e.value for e in events if isinstance(e, SlotSet)}
    assert values["pain_location"] == "lower_back"
    assert values["pain_duration_days"] == 4
    assert values["numbness_tingling"] is False


def test_a_local_action_is_run_without_a_request_and_other_actions_still_call():
    tracker = DialogueStateTracker.from_events("runner", [], slots=DOMAIN.slots)
    user_turn(tracker, "my back hurts")
    output, nlg = CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    watch = action_calls.watch_turn()
    asyncio.run(RemoteAction(NAME, CLOSED).run(output, nlg, tracker, DOMAIN))
    assert not watch.failed
    with pytest.raises(RasaException):
        asyncio.run(RemoteAction("action_recommend", CLOSED).run(output, nlg, tracker, DOMAIN))
    assert watch.failures == ["action_recommend: RasaException"]


def test_a_local_action_that_raises_is_a_failed_call(monkeypatch):
    class Broken:
        def name(self) -> str:
            return NAME

        async def run(self, dispatcher, tracker, domain):
            raise KeyError("boom")

    monkeypatch.setitem(local_actions._instances, NAME, Broken())
    tracker = DialogueStateTracker.from_events("runner", [], slots=DOMAIN.slots)
    user_turn(tracker, "my back hurts")
    watch = action_calls.watch_turn()
    with pytest.raises(RasaException):
        asyncio.run(RemoteAction(NAME, CLOSED).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN))
    assert watch.failures == [f"{NAME}: RasaException"]


def test_a_malformed_local_answer_is_refused_like_a_remote_one(monkeypatch):
    class Malformed:
        def name(self) -> str:
            return NAME

        def run(self, dispatcher, tracker, domain):
            return [{"name": "no event type"}]

    monkeypatch.setitem(local_actions._instances, NAME, Malformed())
    tracker = DialogueStateTracker.from_events("runner", [], slots=DOMAIN.slots)
    user_turn(tracker, "my back hurts")
    with pytest.raises(RasaException):
        asyncio.run(RemoteAction(NAME, CLOSED).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN))


def test_every_local_action_is_one_the_domain_and_the_action_server_know():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    for name in local_actions.LOCAL_ACTIONS:
        assert name in DOMAIN.user_actions
        assert name in executor.actions
        assert local_actions._action(name).name() == name
