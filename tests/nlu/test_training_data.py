"""Checks on the NLU training data and the held-out NLU test set.

They guard what a model can't tell us: enough examples per intent, no example
taught as two intents, no test text leaked into training, an answer for every
FAQ question, and the safety wording of the FAQ answers.
"""

from __future__ import annotations

import re
import string
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from backstride.contract import (
    CHEST_PAIN,
    FORM_SLOTS,
    LOCATIONS,
    PAIN_LOCATION,
    PAIN_RADIATION,
    RADIATIONS,
)

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
DOMAIN = ROOT / "domain.yml"
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
DEV_VIGNETTES = ROOT / "tests" / "vignettes" / "dev.yml"

FAQ = "faq"
FAQ_SUB_INTENTS = {
    "running_bad",
    "causes",
    "what_helps",
    "mileage",
    "shoes_surfaces",
    "when_to_see",
    "cross_training",
    "strength",
    "soreness_or_injury",
}
#: The intents come from domain.yml; these need more than the default minimum.
MIN_EXAMPLES = {"describe_pain": 150, "affirm": 40, "deny": 40, "not_sure": 40}
MIN_EXAMPLES_DEFAULT = 20
MIN_FAQ_EXAMPLES = 20
MAX_RESPONSE_CHARS = 700

ENTITY_NAMES = set(FORM_SLOTS) | {CHEST_PAIN}
ENTITY_VALUES = {PAIN_LOCATION: set(LOCATIONS), PAIN_RADIATION: set(RADIATIONS)}

_PUNCTUATION = re.compile("[" + re.escape(string.punctuation.replace("/", "")) + "]")


def normalise(text: str) -> str:
    """Lower case, no ASCII punctuation, single spaces: near-copies compare equal.

    A slash becomes a space so that "7/10" and "710" stay different.
    """
    return " ".join(_PUNCTUATION.sub("", text.lower().replace("/", " ")).split())


def label(message) -> str:
    """`faq/causes` for a retrieval example, the intent name otherwise."""
    return message.get("intent_response_key") or message.get("intent")


def by_label(data: TrainingData) -> Dict[str, List[str]]:
    texts: Dict[str, List[str]] = defaultdict(list)
    for message in data.intent_examples:
        texts[label(message)].append(message.get("text"))
    return texts


#: Intents Rasa triggers itself (reminders), never typed: no examples, on purpose.
EXTERNAL_PREFIX = "EXTERNAL_"


def domain_intents() -> List[str]:
    """The intents a runner can type (EXTERNAL_ ones come from reminders)."""
    intents = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["intents"]
    return sorted(intent for intent in intents if not intent.startswith(EXTERNAL_PREFIX))


PLAIN_INTENTS = [intent for intent in domain_intents() if intent != FAQ]


@pytest.fixture(scope="module")
def training() -> TrainingData:
    return load_data(str(NLU_DIR))


@pytest.fixture(scope="module")
def holdout() -> TrainingData:
    return load_data(str(HOLDOUT))


def test_training_data_has_exactly_the_domain_intents(training):
    assert set(training.intents) == set(domain_intents())


def test_minimums_name_only_domain_intents():
    assert set(MIN_EXAMPLES) <= set(PLAIN_INTENTS)


@pytest.mark.parametrize("intent", PLAIN_INTENTS)
def test_each_intent_has_enough_examples(training, intent):
    minimum = MIN_EXAMPLES.get(intent, MIN_EXAMPLES_DEFAULT)
    count = len(by_label(training)[intent])
    assert count >= minimum, f"{intent}: {count} examples, need {minimum}"


def test_faq_has_every_sub_intent_with_enough_examples(training):
    texts = by_label(training)
    found = {name.split("/", 1)[1] for name in texts if name.startswith(FAQ + "/")}
    assert found == FAQ_SUB_INTENTS
    for sub in FAQ_SUB_INTENTS:
        count = len(texts[f"{FAQ}/{sub}"])
        assert count >= MIN_FAQ_EXAMPLES, f"faq/{sub}: {count} examples"


def test_no_example_is_repeated_within_or_across_intents(training):
    owners: Dict[str, Set[str]] = defaultdict(set)
    counts: Counter = Counter()
    for message in training.intent_examples:
        key = normalise(message.get("text"))
        owners[key].add(label(message))
        counts[key] += 1
    clashes = {text: sorted(labels) for text, labels in owners.items() if len(labels) > 1}
    repeats = sorted(text for text, n in counts.items() if n > 1)
    assert not clashes, f"taught as more than one intent: {clashes}"
    assert not repeats, f"repeated examples: {repeats}"


def test_training_data_carries_no_entity_annotations(training):
    """Entities come from the rule-based component, so DIET must not learn any."""
    annotated = [m.get("text") for m in training.intent_examples if m.get("entities")]
    assert not annotated


def test_no_holdout_text_is_in_training_data(training, holdout):
    trained = {normalise(m.get("text")) for m in training.intent_examples}
    leaked = sorted(
        m.get("text") for m in holdout.intent_examples if normalise(m.get("text")) in trained
    )
    assert not leaked


def test_holdout_covers_every_intent_and_faq_question(holdout):
    labels = set(by_label(holdout))
    expected = set(PLAIN_INTENTS) | {f"{FAQ}/{sub}" for sub in FAQ_SUB_INTENTS}
    assert labels == expected


def test_holdout_entities_follow_the_contract(holdout):
    for message in holdout.intent_examples:
        for entity in message.get("entities") or []:
            name = entity["entity"]
            assert name in ENTITY_NAMES, f"{name!r} in {message.get('text')!r}"
            if name in ENTITY_VALUES:
                assert entity["value"] in ENTITY_VALUES[name], message.get("text")
            span = message.get("text")[entity["start"] : entity["end"]]
            assert span == span.strip() and span, f"loose span {span!r}"
            if message.get("intent") != "describe_pain":
                pytest.fail(f"entity outside describe_pain: {message.get('text')!r}")


def test_no_dev_vignette_opener_is_in_training_data(training):
    """The dev set scores the whole assistant, so its openers must stay unseen."""
    vignettes = yaml.safe_load(DEV_VIGNETTES.read_text(encoding="utf-8"))
    openers = {normalise(v["opener"]) for v in vignettes}
    trained = {normalise(m.get("text")) for m in training.intent_examples}
    assert not openers & trained


def faq_responses(training) -> Dict[str, List[str]]:
    """The faq answers, which live in domain.yml's responses."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    return {
        name: [variant["text"] for variant in variants]
        for name, variants in responses.items()
        if name.startswith(f"utter_{FAQ}/")
    }


def test_every_faq_question_has_an_answer_and_no_answer_is_orphaned(training):
    answered = {name.split("/", 1)[1] for name in faq_responses(training)}
    assert answered == FAQ_SUB_INTENTS


def test_faq_answers_are_short(training):
    for name, texts in faq_responses(training).items():
        for text in texts:
            assert len(text) < MAX_RESPONSE_CHARS, f"{name}: {len(text)} characters"


def test_only_when_to_see_talks_about_emergencies(training):
    for name, texts in faq_responses(training).items():
        for text in texts:
            lowered = text.lower()
            if name == f"utter_{FAQ}/when_to_see":
                for must in ("bladder", "bowel", "groin", "both legs", "emergency number"):
                    assert must in lowered, f"when_to_see must mention {must!r}"
            else:
                for banned in ("emergency", "999", "911", "112"):
                    assert banned not in lowered, f"{name} mentions {banned!r}"
