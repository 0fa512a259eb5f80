"""Where the explanation says a fact came from (backstride.messages.sources_text)."""

from backstride.messages import recommendation, sources_text
from backstride.triage import Facts, decide


def test_a_sign_cleared_by_the_runner_is_explained_in_their_words():
    facts = Facts(pain_location="lower_back", trauma=False, confirming=("trauma",))
    text = sources_text(facts, {"trauma": {"text": "went over on the kerb", "why": "minor"}})
    assert '"went over on the kerb"' in text and "wasn't" in text


def test_a_confirmed_sign_says_so():
    facts = Facts(trauma=True, confirming=("trauma",))
    assert "told me it was" in sources_text(facts, {"trauma": {"text": "landed hard", "why": "minor"}})


def test_an_old_accident_set_aside_by_the_reader_is_explained():
    facts = Facts(trauma=False)
    text = sources_text(facts, {"trauma": {"text": "came off my bike in 2019", "why": "past"}})
    assert "came off my bike in 2019" in text and "grumbled" in text


def test_an_unsure_answer_to_a_confirmation_is_said():
    facts = Facts(confirming=("emergency_signs",), unsure=frozenset({"emergency_signs"}))
    assert "weren't sure" in sources_text(facts, {"emergency_signs": {"text": "groin felt odd", "why": "hedge"}})


def test_the_recommendation_carries_the_sources_under_its_reasons():
    facts = Facts(pain_location="lower_back", pain_duration_days=1, trauma=False, confirming=("trauma",))
    message = recommendation(decide(facts), facts, {"trauma": {"text": "landed hard", "why": "minor"}})
    assert message.index("Why:") < message.index('"landed hard"') < message.index("What to do now")
