"""Messages that cannot answer a question get the fallback intent (backstride/nlu/component.py).

Found by tests/e2e/test_hostile.py: the trained classifier read an empty
message as "yes" (0.41) and Arabic "my back hurts" as "no" (0.43), each
taken as the answer to the emergency question.
"""

from __future__ import annotations

import pytest

from backstride.nlu.component import is_latin
from tests.nlu.test_component import classified, extractor  # noqa: F401 (fixture)


def intent_after(extractor, text: str, intent: str, confidence: float = 0.45) -> tuple[str, float]:  # noqa: F811
    message = classified(text, intent=intent, confidence=confidence)
    extractor.process([message])
    result = message.get("intent")
    assert message.get("intent_ranking")[0]["name"] == result["name"]
    return result["name"], result["confidence"]


@pytest.mark.parametrize("text", ["", " ", "\t\n  "])
@pytest.mark.parametrize("intent", ["affirm", "deny", "goodbye", "describe_pain"])
def test_a_blank_message_is_no_answer(extractor, text, intent):  # noqa: F811
    assert intent_after(extractor, text, intent) == ("nlu_fallback", 1.0)


@pytest.mark.parametrize("text", ["ظهري يؤلمني", "腰が痛いです", "у меня болит спина", "Да", "はい"])
@pytest.mark.parametrize("intent", ["affirm", "deny"])
def test_a_yes_or_no_in_another_script_is_no_answer(extractor, text, intent):  # noqa: F811
    assert intent_after(extractor, text, intent)[0] == "nlu_fallback"


@pytest.mark.parametrize("text,intent", [("yes", "affirm"), ("nope", "deny"), ("sí", "affirm"),
                                         ("👍", "affirm"), ("no 🙂", "deny"), ("ja", "affirm")])
def test_a_yes_or_no_in_latin_letters_or_without_letters_stays(extractor, text, intent):  # noqa: F811
    assert intent_after(extractor, text, intent)[0] == intent


def test_other_intents_in_another_script_are_left_to_the_dialogue(extractor):  # noqa: F811
    assert intent_after(extractor, "腰が痛いです", "out_of_scope")[0] == "out_of_scope"


def test_an_emergency_sign_still_wins(extractor):  # noqa: F811
    assert intent_after(extractor, "yes and I can't control my bladder", "affirm") == ("describe_pain", 1.0)


def test_latin_letters():
    assert all(map(is_latin, "aZéßøŁ"))
    assert not any(map(is_latin, "дあظ한"))
