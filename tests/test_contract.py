"""domain.yml agrees with backstride.contract (the triage policy, section 3)."""

from pathlib import Path

import yaml

from backstride import contract as c
from backstride.contract import Level
from backstride.messages import REASON
from backstride.questions import QUESTION_ORDER

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
SLOTS = DOMAIN["slots"]


def test_every_contract_slot_is_in_the_domain_with_its_type_and_values():
    for slot in c.BOOL_FACTS:
        assert SLOTS[slot]["type"] == "bool", slot
    for slot in c.FLOAT_FACTS:
        assert SLOTS[slot]["type"] == "float", slot
    for slot, values in c.CATEGORICAL_FACTS.items():
        assert SLOTS[slot]["type"] == "categorical"
        assert tuple(SLOTS[slot]["values"]) == values
    assert SLOTS[c.TRIAGE_REASONS]["type"] == "list"
    assert SLOTS[c.TRIAGE_LEVEL]["type"] == "categorical"
    assert set(SLOTS[c.TRIAGE_LEVEL]["values"]) == {level.slot_value for level in Level}


def test_facts_are_only_set_by_our_extraction_action_and_outputs_only_by_actions():
    for slot in c.FACT_SLOTS:
        assert SLOTS[slot]["mappings"] == [{"type": "custom", "action": "action_extract_facts"}], slot
    for slot in (c.TRIAGE_LEVEL, c.TRIAGE_REASONS):
        assert SLOTS[slot]["mappings"] == [{"type": "custom"}], slot


def test_the_form_may_ask_exactly_the_form_slots():
    required = DOMAIN["forms"]["back_pain_form"]["required_slots"]
    assert list(required) == list(QUESTION_ORDER)
    assert set(required) == set(c.FORM_SLOTS)


def test_every_rule_has_a_reason():
    assert set(REASON) == set(c.RULE_IDS)


def test_the_contract_rule_ids_match_the_policy_document():
    contract = (ROOT / "docs" / "triage-policy.md").read_text(encoding="utf-8")
    for rule_id in c.RULE_IDS:
        assert f"`{rule_id}`" in contract, rule_id
    for level in Level:
        assert f"`{level.slot_value}`" in contract


def test_every_form_slot_has_a_question_and_every_free_text_slot_a_clarification():
    from backstride.prompts import clarification, question

    for slot in c.FORM_SLOTS:
        assert question(slot).text.endswith("?") or question(slot).text.endswith(".)"), slot
        assert clarification(slot).text.startswith("Sorry"), slot
