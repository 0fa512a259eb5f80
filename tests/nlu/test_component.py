"""The Rasa wrapper, instantiated directly on Rasa Message objects (no training)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backstride.nlu.component import SymptomEntityExtractor


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> SymptomEntityExtractor:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    return SymptomEntityExtractor.create(
        SymptomEntityExtractor.get_default_config(), storage, Resource("symptoms"), context
    )


def classified(text: str, intent: str = "faq", confidence: float = 0.8, entities: Optional[List[dict]] = None) -> Message:
    ranking = [
        {"name": intent, "confidence": confidence},
        {"name": "describe_pain", "confidence": 0.1},
        {"name": "greet", "confidence": 1 - confidence - 0.1},
    ]
    data: Dict[str, Any] = {TEXT: text, INTENT: {"name": intent, "confidence": confidence}, INTENT_RANKING_KEY: ranking}
    if entities is not None:
        data[ENTITIES] = entities
    return Message(data=data)


def ours(message: Message) -> List[dict]:
    return [e for e in message.get(ENTITIES, []) if e.get("extractor") == "SymptomEntityExtractor"]


def test_it_is_registered_as_an_entity_extractor_that_needs_no_training():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry(SymptomEntityExtractor.__name__)
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False


def test_entities_carry_slot_value_span_and_extractor(extractor):
    text = "my lower back has hurt for 4 days, no numbness"
    message = classified(text, intent="describe_pain", confidence=0.9)
    extractor.process([message])
    entities = ours(message)
    got = {(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in entities}
    assert got == {
        ("pain_location", "lower_back", "lower back"),
        ("pain_duration_days", 4.0, "4 days"),
        ("numbness_tingling", False, "numbness"),
    }
    for e in entities:
        assert e["confidence_entity"] == 1.0
        assert e["extractor"] == "SymptomEntityExtractor"
    assert message.get(INTENT)["name"] == "describe_pain"  # not an emergency: untouched
    assert message.get(INTENT)["confidence"] == 0.9


def test_every_finding_is_an_entity_even_two_of_one_slot(extractor):
    message = classified("no pins and needles but I do have numbness", intent="describe_pain")
    extractor.process([message])
    assert [(e["entity"], e["value"]) for e in ours(message)] == [
        ("numbness_tingling", False),
        ("numbness_tingling", True),
    ]


def test_existing_entities_are_kept(extractor):
    diet = {"entity": "pain_location", "value": "neck", "start": 0, "end": 4, "extractor": "DIETClassifier"}
    message = classified("neck hurts, 7/10", intent="describe_pain", entities=[diet])
    extractor.process([message])
    assert message.get(ENTITIES)[0] == diet
    assert ("pain_severity", 7.0) in [(e["entity"], e["value"]) for e in ours(message)]


@pytest.mark.parametrize(
    "text",
    [
        "I can't pee and my back is killing me",
        "got hit by a van this morning, my back is sore",
        "my chest hurts and so does my back",
        "the pain shoots down both legs",
        "both my legs feel numb",
    ],
)
def test_an_emergency_finding_forces_the_pain_intent(extractor, text):
    message = classified(text, intent="faq", confidence=0.85)
    extractor.process([message])
    assert message.get(INTENT) == {"name": "describe_pain", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "describe_pain", "confidence": 1.0}
    assert [r["name"] for r in ranking].count("describe_pain") == 1
    assert len(ranking) == 3
    assert {"name": "faq", "confidence": 0.85} in ranking


@pytest.mark.parametrize(
    "text",
    [
        "I can pee fine and there's no numbness down there",
        "I didn't fall, it just came on",
        "no chest pain",
        "it doesn't go down both legs",
        "lower back pain for 3 weeks, 8/10",
    ],
)
def test_a_negated_or_lesser_finding_leaves_the_intent_alone(extractor, text):
    message = classified(text, intent="faq", confidence=0.85)
    extractor.process([message])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.85}


def test_the_emergency_intent_is_configurable(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    custom = SymptomEntityExtractor.create(
        {**SymptomEntityExtractor.get_default_config(), "emergency_intent": "emergency"},
        storage,
        Resource("x"),
        context,
    )
    message = Message(data={TEXT: "I've wet myself and my back is agony"})
    custom.process([message])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY) is None  # none before, none invented


def test_numbers_can_be_switched_off(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    quiet = SymptomEntityExtractor.create({"extract_numbers": False}, storage, Resource("y"), context)
    loud = Message(data={TEXT: "about 4"})
    quiet.process([loud])
    assert ours(loud) == []


def test_a_bare_number_is_an_entity(extractor):
    message = classified("about 4", intent="inform")
    extractor.process([message])
    assert [(e["entity"], e["value"]) for e in ours(message)] == [("number", 4.0)]


def test_typed_intent_messages_are_left_to_the_regex_handler(extractor):
    message = classified('/inform{"emergency_signs": true}', intent="inform")
    extractor.process([message])
    assert ours(message) == []
    assert message.get(INTENT)["name"] == "inform"


@pytest.mark.parametrize("text", ["", "   ", "😩", "腰痛", None])
def test_odd_messages_pass_through(extractor, text):
    message = Message(data={TEXT: text} if text is not None else {})
    extractor.process([message])
    assert ours(message) == []


def test_training_data_passes_through_unchanged(extractor):
    data = TrainingData([Message(data={TEXT: "my lower back hurts", INTENT: "describe_pain"})])
    before = [m.as_dict() for m in data.training_examples]
    assert extractor.process_training_data(data) is data
    assert [m.as_dict() for m in data.training_examples] == before
    assert not data.training_examples[0].get(ENTITIES)


def test_several_messages_in_one_call(extractor):
    batch = [classified("sore neck"), classified("hello"), classified("I fell off my bike")]
    extractor.process(batch)
    assert [len(ours(m)) for m in batch] == [1, 0, 1]
    assert [m.get(INTENT)["name"] for m in batch] == ["faq", "faq", "describe_pain"]


def test_a_reading_nested_in_a_fuller_one_of_the_same_fact_is_dropped():
    from backstride.nlu.component import without_nested
    from backstride.nlu.reader import Finding

    thigh = Finding("pain_radiation", "thigh", 5, 16, "down my leg")
    below = Finding("pain_radiation", "below_knee", 5, 30, "down my leg past the knee")
    other = Finding("numbness_tingling", True, 5, 16, "down my leg")
    assert without_nested([thigh, below, other]) == [below, other]


def test_a_sign_heard_uncertainly_forces_the_assessment_and_says_how_sure():
    from rasa.shared.nlu.training_data.message import Message

    component = SymptomEntityExtractor({})
    message = Message(data={"text": "I landed hard on my back on the trail", "intent": {"name": "greet", "confidence": 0.9}})
    component.process([message])
    trauma = [e for e in message.get("entities") if e["entity"] == "trauma"]
    assert trauma and trauma[0]["certainty"] == "minor"
    assert message.get("intent")["name"] == "describe_pain"


def test_dates_count_from_the_messages_own_time():
    from rasa.shared.nlu.training_data.message import Message

    component = SymptomEntityExtractor({})
    message = Message(data={"text": "my back has hurt since 22 May", "metadata": {"sent_at": "2026-06-03"}})
    component.process([message])
    days = [e["value"] for e in message.get("entities") if e["entity"] == "pain_duration_days"]
    assert days == [12.0]


def test_message_time_reads_iso_dates_and_unix_timestamps_and_ignores_the_rest():
    from datetime import datetime

    from backstride.nlu.component import message_time

    assert message_time({"sent_at": "2026-06-03"}) == datetime(2026, 6, 3)
    assert message_time({"timestamp": 0}) is None
    assert message_time({"sent_at": "not a date"}) is None
    assert message_time("nope") is None
    assert message_time({"timestamp": 1780000000}) is not None
