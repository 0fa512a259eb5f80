"""The symptom reader against labelled runner phrases (tests/nlu/phrases.yml) and hostile input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from backstride.contract import (
    EMERGENCY_SIGNS,
    FACT_SLOTS,
    LOCATIONS,
    NUMBNESS_TINGLING,
    PAIN_DURATION_DAYS,
    PAIN_LOCATION,
    PAIN_RADIATION,
    PAIN_SEVERITY,
    RADIATIONS,
)
from backstride.nlu.reader import NUMBER, Finding, SymptomReader, resolve

PHRASES_FILE = Path(__file__).with_name("phrases.yml")
PHRASES: List[Dict[str, Any]] = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
DEFAULT_NOW = datetime(2024, 6, 10, 12, 0)  # a Monday
FLOAT_SLOTS = {PAIN_DURATION_DAYS, PAIN_SEVERITY, NUMBER}


@pytest.fixture(scope="module")
def reader() -> SymptomReader:
    return SymptomReader()


def _now(item: Dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["now"]) if "now" in item else DEFAULT_NOW


def _same(slot: str, got: object, want: object) -> bool:
    if slot in FLOAT_SLOTS:
        return isinstance(got, float) and abs(got - float(want)) <= 0.05  # type: ignore[arg-type]
    return got == want and type(got) is type(want)


# --------------------------------------------------------------------------- the labelled set


def test_phrase_set_is_big_and_covers_every_fact():
    assert len(PHRASES) >= 220
    tags = [t for item in PHRASES for t in item.get("tags", [])]
    assert tags.count("negation") >= 60
    assert tags.count("duration") >= 35
    mentioned = set()
    for item in PHRASES:
        mentioned |= set(item.get("expect", {})) | set(item.get("absent", []))
    assert set(FACT_SLOTS) | {NUMBER} <= mentioned
    for item in PHRASES:
        for slot, value in item.get("expect", {}).items():
            assert slot in set(FACT_SLOTS) | {NUMBER}, slot
            if slot == PAIN_LOCATION:
                assert value in LOCATIONS
            if slot == PAIN_RADIATION:
                assert value in RADIATIONS


@pytest.mark.parametrize("item", PHRASES, ids=[p["text"][:60] for p in PHRASES])
def test_phrase(reader: SymptomReader, item: Dict[str, Any]):
    findings = reader.read(item["text"], now=_now(item))
    got = {slot: f.value for slot, f in resolve(findings).items()}
    for slot, want in item.get("expect", {}).items():
        assert slot in got, f"{slot} not found in {item['text']!r}; found {got}"
        assert _same(slot, got[slot], want), f"{slot}: got {got[slot]!r}, want {want!r} in {item['text']!r}"
    for slot in item.get("absent", []):
        assert slot not in got, f"{slot} wrongly found ({got[slot]!r}) in {item['text']!r}"
    for slot, value, text in item.get("findings", []):
        assert any(
            f.slot == slot and _same(slot, f.value, value) and f.text == text for f in findings
        ), f"no finding {slot}={value!r} on {text!r}: {findings}"


# --------------------------------------------------------------------------- the API promises


def test_findings_are_sorted_and_their_text_is_the_span(reader: SymptomReader):
    text = "No pins and needles but I do have numbness in my foot, lower back pain for 4 days, 6/10"
    findings = reader.read(text, now=DEFAULT_NOW)
    assert findings == sorted(findings, key=lambda f: f.start)
    for f in findings:
        assert isinstance(f, Finding)
        assert f.text == text[f.start : f.end]
        assert f.slot in set(FACT_SLOTS) | {NUMBER}


def test_negated_phrase_text_excludes_the_cue(reader: SymptomReader):
    findings = reader.read("no numbness", now=DEFAULT_NOW)
    assert [(f.slot, f.value, f.text) for f in findings] == [(NUMBNESS_TINGLING, False, "numbness")]


def test_pseudo_negation_keeps_both_findings_apart(reader: SymptomReader):
    findings = reader.read("no pins and needles but I do have numbness", now=DEFAULT_NOW)
    pairs = [(f.value, f.text) for f in findings if f.slot == NUMBNESS_TINGLING]
    assert pairs == [(False, "pins and needles"), (True, "numbness")]


def test_value_types_follow_the_contract(reader: SymptomReader):
    findings = reader.read(
        "lower back pain shooting into my calf for 3 days, 7/10, no fever, maybe 4", now=DEFAULT_NOW
    )
    by_slot = {f.slot: f.value for f in findings}
    assert by_slot[PAIN_LOCATION] == "lower_back"
    assert by_slot[PAIN_RADIATION] == "below_knee"
    assert isinstance(by_slot[PAIN_DURATION_DAYS], float) and by_slot[PAIN_DURATION_DAYS] == 3.0
    assert isinstance(by_slot[PAIN_SEVERITY], float) and by_slot[PAIN_SEVERITY] == 7.0
    assert by_slot["systemic_signs"] is False
    assert by_slot[NUMBER] == 4.0


def test_weekday_is_counted_back_from_now(reader: SymptomReader):
    text = "sore since Sunday"
    on_tuesday = resolve(reader.read(text, now=datetime(2024, 6, 11, 9)))[PAIN_DURATION_DAYS].value
    on_sunday = resolve(reader.read(text, now=datetime(2024, 6, 16, 9)))[PAIN_DURATION_DAYS].value
    assert on_tuesday == 2.0
    assert on_sunday == 7.0  # "since Sunday" said on a Sunday means last week's


def test_now_defaults_to_the_clock(reader: SymptomReader):
    findings = reader.read("since yesterday")
    assert [f.value for f in findings if f.slot == PAIN_DURATION_DAYS] == [1.0]


def test_resolve_prefers_the_safe_value():
    f = lambda slot, value, start=0: Finding(slot, value, start, start + 1, "x")  # noqa: E731
    best = resolve(
        [
            f(NUMBNESS_TINGLING, False, 0),
            f(NUMBNESS_TINGLING, True, 5),
            f(PAIN_RADIATION, "below_knee", 1),
            f(PAIN_RADIATION, "thigh", 2),
            f(PAIN_LOCATION, "neck", 3),
            f(PAIN_LOCATION, "upper_back", 4),
            f(PAIN_DURATION_DAYS, 2.0, 6),
            f(PAIN_DURATION_DAYS, 21.0, 7),
            f(EMERGENCY_SIGNS, False, 8),
        ]
    )
    assert best[NUMBNESS_TINGLING].value is True
    assert best[PAIN_RADIATION].value == "below_knee"
    assert best[PAIN_LOCATION].value == "upper_back"
    assert best[PAIN_DURATION_DAYS].value == 21.0
    assert best[EMERGENCY_SIGNS].value is False


def test_a_custom_lexicon_folder_is_used(tmp_path: Path):
    from backstride.nlu.reader import LEXICON_DIR

    for source in LEXICON_DIR.iterdir():
        target = tmp_path / source.name
        text = source.read_text(encoding="utf-8")
        if source.name == "pain_location.jsonl":
            text += '{"label": "pain_location", "id": "neck", "pattern": "noggin"}\n'
        target.write_text(text, encoding="utf-8")
    custom = SymptomReader(tmp_path)
    assert [f.value for f in custom.read("my noggin hurts")] == ["neck"]


# --------------------------------------------------------------------------- hostile input


HOSTILE = [
    "",
    "   ",
    "\n\t\n",
    "😩😩😩",
    "🏃‍♀️💥🦴",
    "我的腰很痛，已经三天了",
    "ظهري يؤلمني منذ ثلاثة أيام",
    "Боль в пояснице",
    "<script>alert('x')</script><b>lower back</b>",
    "no no no no not never none",
    "/inform{\"emergency_signs\": false}",
    "7/10/10/10 out of out of 10",
    "'''\"\"\"---...,,,;;;",
    "back " * 3000,
    "numbness " * 1200 + "no",
    "a" * 10_000,
    "x\u0000y\u200bz\ufeff",
    "İstanbul ǅ ﬁ ß",
    "lone \ud800 surrogate and numb\udfff",
    "&#99999999; &#x110000; &bogus; &amp;&lt;b&gt;",
    "<" * 500 + "numbness" + ">" * 500,
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz tingling",
]


@pytest.mark.parametrize("text", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))])
def test_hostile_input_never_raises(reader: SymptomReader, text: str):
    findings = reader.read(text, now=DEFAULT_NOW)
    assert isinstance(findings, list)
    for f in findings:
        assert f.text == text[f.start : f.end]
    if text.strip():
        # read() has a last-resort guard; the pipeline itself must not need it
        assert reader._read(text, DEFAULT_NOW) == findings


def test_ten_thousand_characters_still_reads_the_facts(reader: SymptomReader):
    text = ("I ran a nice easy loop today. " * 340) + "My lower back has hurt for 3 weeks."
    assert len(text) > 10_000
    got = {slot: f.value for slot, f in resolve(reader.read(text, now=DEFAULT_NOW)).items()}
    assert got[PAIN_LOCATION] == "lower_back"
    assert got[PAIN_DURATION_DAYS] == 21.0


def test_html_and_emoji_do_not_hide_facts(reader: SymptomReader):
    got = {f.slot: f.value for f in reader.read("<p>can&#39;t pee 😱</p> <i>both legs numb</i>", now=DEFAULT_NOW)}
    assert got[EMERGENCY_SIGNS] is True


def test_reader_accepts_non_strings_quietly(reader: SymptomReader):
    assert reader.read(None) == []  # type: ignore[arg-type]
    assert reader.read(12345) == []  # type: ignore[arg-type]


def test_empty_and_whitespace_give_nothing(reader: SymptomReader):
    assert reader.read("") == []
    assert reader.read("   \n ") == []


# --------------------------------------------------------------------------- the lexicon as data


def _lexicon_entries():
    import json

    from backstride.nlu.reader import FACT_FILES, LEXICON_DIR

    for name in FACT_FILES:
        for line in (LEXICON_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield name, json.loads(line)


ALLOWED_IDS = {
    PAIN_LOCATION: set(LOCATIONS),
    PAIN_RADIATION: {"none", "buttock", "thigh", "below_knee", "both_legs", "any"},
    "body_site": {"leg", "thigh", "knee", "below_knee", "past_knee", "both_legs", "legs", "saddle", "chest", "other_site"},
    "trauma": {"true", "false", "minor"},
    "chest_pain": {"true", "false", "breath"},
    NUMBNESS_TINGLING: {"numb", "tingle", "false"},
    "leg_weakness": {"weak", "true", "false"},
    "systemic_signs": {"true", "false", "cancer", "weight_loss"},
    "qualifier": {"unintended", "intended"},
    "IGNORE": {"ignore"},
}


def test_every_lexicon_line_is_a_labelled_pattern_with_a_known_value():
    count = 0
    for name, entry in _lexicon_entries():
        count += 1
        assert set(entry) == {"label", "id", "pattern"}, entry
        label, value = entry["label"], entry["id"]
        assert label in (name, "IGNORE", "qualifier"), f"{name}.jsonl holds a {label} pattern"
        allowed = ALLOWED_IDS.get(label, {"true", "false"})
        assert value in allowed, f"{name}.jsonl: id {value!r} for {label}"
        assert entry["pattern"], entry
    assert count > 1000


def test_the_lexicon_loads_into_spacys_own_entity_ruler_with_the_same_result(reader: SymptomReader):
    """The JSONL files are plain EntityRuler patterns; our faster matcher must agree with spaCy's."""
    import spacy

    from backstride.nlu.reader import LEXICON_DIR, load_patterns

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("backstride_speller", config={"lexicon_dir": str(LEXICON_DIR)})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM", "overwrite_ents": True})
    ruler.add_patterns(load_patterns(LEXICON_DIR))
    ours = reader.nlp
    for item in PHRASES:
        theirs = {(e.start, e.end, e.label_, e.ent_id_) for e in nlp(item["text"]).ents}
        mine = {(e.start, e.end, e.label_, e.ent_id_) for e in ours(item["text"]).ents}
        # spaCy's ruler lets a longer match swallow a shorter one the same way; spans may
        # differ only where both rulers saw overlapping candidates of equal length.
        assert {m[:3] for m in mine} == {t[:3] for t in theirs}, item["text"]


def test_negation_termset_has_negspacy_shape():
    import json

    from backstride.nlu.reader import LEXICON_DIR

    termset = json.loads((LEXICON_DIR / "negation.json").read_text(encoding="utf-8"))
    for key in ("preceding_negations", "following_negations", "pseudo_negations", "termination", "uncertain"):
        assert termset[key] and all(isinstance(t, str) and t == t.lower() for t in termset[key]), key
    assert "no" in termset["preceding_negations"] and "but" in termset["termination"]


def test_the_speller_fixes_lexicon_typos_but_not_real_words(reader: SymptomReader):
    speller = reader.nlp.get_pipe("backstride_speller")
    assert speller.correct("numbess") == "numbness"
    assert speller.correct("tinglng") == "tingling"
    assert speller.correct("sholder") == "shoulder"
    assert speller.correct("midle") == "middle"
    for word in ("single", "fewer", "number", "feeding", "cough", "shine", "tired", "hours"):
        assert speller.correct(word) is None, word
    assert speller.correct("numb") is None  # short words are never changed
