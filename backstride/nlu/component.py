"""Rasa graph component around :class:`~backstride.nlu.reader.SymptomReader`.

Referenced from ``config.yml`` as ``backstride.nlu.component.SymptomEntityExtractor``
and placed after the DIETClassifier. For every message it adds one entity per
finding of the reader: ``entity`` is the slot name, ``value`` the contract
value (False for a negated symptom), a bare number comes as entity
``number``. A message can hold several findings of one slot ("no pins and
needles but I do have numbness"); whoever reads them merges them the safe way
(:func:`backstride.nlu.reader.resolve`, ``backstride.answers``), never by
taking the last one as Rasa's own ``from_entity`` mapping would.

When a message states an emergency-level fact (emergency_signs, trauma or
chest_pain true, or radiation into both legs) the intent is set to
``describe_pain`` (configurable) with confidence 1.0 whatever the classifier
thought, so that the dialogue escalates at once. The same holds for such a
fact heard uncertainly (a hedge, a past event, a fall that may have been
minor): its entity carries ``certainty`` (``hedge``, ``minor``, ``past``,
``plural``) and the dialogue gives the emergency advice with one confirming
question (the triage policy, section 6.2).

The time a message counts dates from ("since 22 May") is its own: the
``sent_at`` field of the message metadata (ISO 8601) or a unix ``timestamp``
where the channel gives one, else the moment it is read.

Two kinds of message carry no answer, whatever the classifier thought, and
get the fallback intent (``nlu_fallback``, so the form explains what it needs
and asks again): a blank message (DIET read an empty text as "yes" with 0.41,
which answered the emergency question), and a "yes" or "no" in a script the
assistant does not read (Arabic "my back hurts" came out as "no" to the
emergency question). An emergency finding still wins over both.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backstride.nlu.reader import PLAIN, Finding, SymptomReader, is_emergency_level

logger = logging.getLogger(__name__)

#: The entity key that says how sure the reader is (absent: plain).
CERTAINTY_KEY = "certainty"


@lru_cache(maxsize=4)
def shared_reader(lexicon_dir: Optional[str] = None) -> SymptomReader:
    """One reader per lexicon folder per process: training and serving graphs share it."""
    return SymptomReader(Path(lexicon_dir) if lexicon_dir else None)


def without_nested(findings: List[Finding]) -> List[Finding]:
    """Drop a finding that lies inside a longer one of the same slot.

    "down my leg past the knee" is read both as "down my leg" (thigh) and as
    the whole phrase (below the knee); Rasa gets the fuller reading only, so
    that entities never overlap within a slot.
    """
    def inside(short: Finding, long: Finding) -> bool:
        return (short is not long and short.slot == long.slot and long.start <= short.start
                and short.end <= long.end and (long.end - long.start) > (short.end - short.start))

    return [f for f in findings if not any(inside(f, other) for other in findings)]


def is_latin(letter: Text) -> bool:
    """True for a letter of the Latin script ("a", "é", "ß"), whose words the reader may know."""
    return unicodedata.name(letter, "").startswith("LATIN ")


def message_time(metadata: Any) -> Optional[datetime]:
    """The message's own time from its metadata (``sent_at`` ISO 8601, or unix ``timestamp``)."""
    if not isinstance(metadata, dict):
        return None
    sent_at = metadata.get("sent_at")
    if isinstance(sent_at, str):
        try:
            when = datetime.fromisoformat(sent_at.strip().replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None:
            return when.replace(tzinfo=None) if when.tzinfo is None else when.astimezone().replace(tzinfo=None)
    stamp = metadata.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and 0 < stamp < 1e11:
        return datetime.fromtimestamp(stamp)
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SymptomEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based symptom entities, with an emergency override of the intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # intent forced on a message that states an emergency-level fact
            "emergency_intent": "describe_pain",
            # a different lexicon folder (default: backstride/nlu/lexicon)
            "lexicon_dir": None,
            # also emit a bare number ("7", "about four") as entity "number"
            "extract_numbers": True,
            # intent of a message that cannot be an answer (blank, or a yes/no in another script)
            "no_answer_intent": "nlu_fallback",
            # intents that mean yes or no, trusted only on text in the Latin script
            "yes_no_intents": ["affirm", "deny"],
        }

    def __init__(self, config: Dict[Text, Any], reader: Optional[SymptomReader] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        lexicon = self._config.get("lexicon_dir")
        self.reader = reader or shared_reader(str(lexicon) if lexicon else None)
        self.emergency_intent: str = self._config["emergency_intent"]
        self.extract_numbers: bool = bool(self._config["extract_numbers"])
        self.no_answer_intent: str = self._config["no_answer_intent"]
        self.yes_no_intents = frozenset(self._config["yes_no_intents"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SymptomEntityExtractor":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged: the lexicon is not learnt."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the symptom entities (and the emergency intent) to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                self._force_intent(message, self.no_answer_intent)  # nothing was said
                continue
            if text.lstrip().startswith("/"):
                continue  # "/intent{...}" messages belong to the RegexMessageHandler
            if self._yes_no_in_another_script(message, text):
                self._force_intent(message, self.no_answer_intent)
            findings = self.reader.read(text, message_time(message.get("metadata")))
            if not self.extract_numbers:
                findings = [f for f in findings if f.slot != "number"]
            entities = self.add_extractor_name([self._entity(f) for f in without_nested(findings)])
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            # "no chest pain" next to "chest pain" is still chest pain; a sign to be
            # confirmed gets the same intent: the confirming question comes next.
            if any(map(is_emergency_level, findings)):
                self._force_intent(message, self.emergency_intent)
        return messages

    @staticmethod
    def _entity(finding: Finding) -> Dict[Text, Any]:
        entity = {
            ENTITY_ATTRIBUTE_TYPE: finding.slot,
            ENTITY_ATTRIBUTE_VALUE: finding.value,
            ENTITY_ATTRIBUTE_START: finding.start,
            ENTITY_ATTRIBUTE_END: finding.end,
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
        }
        if finding.certainty != PLAIN:
            entity[CERTAINTY_KEY] = finding.certainty
        return entity

    def _yes_no_in_another_script(self, message: Message, text: Text) -> bool:
        """A yes or no from the classifier on letters none of which is Latin."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        letters = [ch for ch in text if ch.isalpha()]
        return intent in self.yes_no_intents and bool(letters) and not any(map(is_latin, letters))

    @staticmethod
    def _force_intent(message: Message, name: Text) -> None:
        previous = message.get(INTENT) or {}
        if previous.get(INTENT_NAME_KEY) != name:
            logger.debug("Intent %r -> %r", previous.get(INTENT_NAME_KEY), name)
        message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        ranking = message.get(INTENT_RANKING_KEY)
        if ranking is not None:
            rest = [r for r in ranking if r.get(INTENT_NAME_KEY) != name]
            top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT_RANKING_KEY, [top] + rest[: max(0, len(ranking) - 1)], add_to_output=True)
