"""The symptom reader: a runner's free text -> contract facts.

Pure spaCy + stdlib (no Rasa), so the clinical vocabulary can be tested and
reviewed without a model. The pipeline is a blank English spaCy pipeline:

    sentencizer -> backstride_speller -> backstride_lexicon -> backstride_negex

- ``lexicon/*.jsonl`` holds EntityRuler patterns, one file per fact
  (label = slot name, id = value), plus ``body_site.jsonl`` (legs, feet,
  groin, chest, ...) whose matches only count once linked to a symptom;
  ``backstride_lexicon`` applies them as spaCy's EntityRuler would (a test
  checks that both agree), only faster;
- ``backstride_speller`` corrects typos against the lexicon's own words
  ("numbess", "sholder", "tinglng") by setting ``token.norm_``; the patterns
  match on NORM, so a corrected token matches as if spelt right;
- ``backstride_negex`` marks each match negated / uncertain with the NegEx
  termsets in ``lexicon/negation.json`` and splits sentences into clauses;
- :class:`SymptomReader` turns matches into :class:`Finding` objects: a leg
  site after "down"/"into" is radiation, numbness with a groin / both-legs
  site is an emergency sign, and so on (rules in ``_Interpreter``).

Durations come from :mod:`backstride.nlu.duration`; pain scores and bare
numbers from the regular expressions below.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from backstride.contract import (
    BOOL_FACTS,
    EMERGENCY_VALUES,
    CHEST_PAIN,
    EMERGENCY_SIGNS,
    GAIT_CHANGE,
    LEG_WEAKNESS,
    NUMBNESS_TINGLING,
    PAIN_DURATION_DAYS,
    PAIN_LOCATION,
    PAIN_RADIATION,
    PAIN_SEVERITY,
    RECURRING_DESPITE_REST,
    SYSTEMIC_SIGNS,
    TRAUMA,
    WORSE_DURING_RUN,
    WORSE_WITH_REST,
)
from backstride.answers import merge_values
from backstride.nlu.duration import NUMBER_WORDS, find_durations, number_value, sentence_before
from backstride.nlu.timescope import CURRENT, EARLIER, LONG_AGO, PAST, RECENT, TimeCues, clause_scopes

__all__ = ["Finding", "SymptomReader", "NUMBER", "CHEST_MENTIONED", "LEXICON_DIR", "resolve"]

#: The pseudo-slot for a bare number ("7", "about 4", "three").
NUMBER = "number"
#: The pseudo-slot for a mention of the chest or breathing that is no chest pain itself
#: ("my chest", "out of breath on hills"): it makes the safety check ask about chest pain.
CHEST_MENTIONED = "chest_mentioned"
LEXICON_DIR = Path(__file__).with_name("lexicon")

BODY_SITE = "body_site"
QUALIFIER = "qualifier"
IGNORE = "IGNORE"
#: Lexicon files: one per fact that the ruler finds directly, plus the sites.
FACT_FILES = (PAIN_LOCATION, PAIN_RADIATION, *BOOL_FACTS, BODY_SITE)
_SIMPLE_BOOLEANS = {EMERGENCY_SIGNS, TRAUMA, WORSE_DURING_RUN, GAIT_CHANGE, WORSE_WITH_REST, RECURRING_DESPITE_REST, CHEST_PAIN}
_LEG_SITES = {"leg", "thigh", "knee", "below_knee", "past_knee", "legs"}
_SITE_RADIATION = {
    "leg": "thigh",
    "thigh": "thigh",
    "knee": "thigh",
    "below_knee": "below_knee",
    "past_knee": "below_knee",
    "both_legs": "both_legs",
    "legs": "both_legs",  # to be confirmed: "down my legs" is often one leg told loosely
}
#: Chest words that are the chest pain rule itself when new ("out of breath, which is new").
_NEW_WORDS = {"new", "unusual", "unexplained", "sudden", "suddenly", "never", "recently", "lately", "weird", "strange", "scary", "odd"}
#: Severity order of radiation values and clinical weight of locations (for ``resolve``).


#: How sure the reader is that a finding is what it says (only emergency-level ones
#: are ever less than plain: the triage policy, section 6.2 asks to confirm those).
PLAIN, HEDGE, MINOR, PAST_EVENT, PLURAL = "plain", "hedge", "minor", "past", "plural"


@dataclass(frozen=True)
class Finding:
    """One fact read from the text; ``text`` is the phrase without its negation cue.

    ``certainty``: ``plain``, or why an emergency-level finding needs the runner's
    confirmation: ``hedge`` ("I think my groin went numb"), ``minor`` (a fall that
    may have been minor: "landed hard"), ``past`` (an event weeks or more back, or
    an earlier episode), ``plural`` ("down my legs": both, or one?).
    ``scope``: when it happened (:mod:`backstride.nlu.timescope`).
    """

    slot: str
    value: object
    start: int
    end: int
    text: str
    certainty: str = PLAIN
    scope: str = CURRENT


# --------------------------------------------------------------------------- lexicon


def _strip_hyphen_tokens(pattern: list) -> list:
    return [tok for tok in pattern if tok.get("NORM") != "-" and tok.get("ORTH") != "-"]


def load_patterns(lexicon_dir: Path) -> List[dict]:
    """EntityRuler patterns from every ``*.jsonl`` fact file of ``lexicon_dir``."""
    patterns: List[dict] = []
    for name in FACT_FILES:
        path = lexicon_dir / f"{name}.jsonl"
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                entry = json.loads(line)
                pattern = entry["pattern"]
                if isinstance(pattern, str):
                    pattern = _HYPHEN_IN_WORD.sub(" ", pattern)
                else:
                    pattern = _strip_hyphen_tokens(pattern)
                    if not pattern:
                        continue
                item = {"label": entry["label"], "pattern": pattern}
                if entry.get("id") is not None:
                    item["id"] = str(entry["id"])
                patterns.append(item)
    return patterns


def lexicon_words(patterns: Iterable[dict]) -> Set[str]:
    """Every word the patterns spell out (for the speller's vocabulary)."""
    words: Set[str] = set()
    for entry in patterns:
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            words.update(pattern.lower().split())
            continue
        for tok in pattern:
            value = tok.get("NORM", tok.get("LOWER"))
            if isinstance(value, str):
                words.add(value)
            elif isinstance(value, dict):
                words.update(value.get("IN", []))
    return {w for w in words if w.isalpha()}


def _load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- matching


class PatternMatcher:
    """EntityRuler patterns, matched fast: phrases by spaCy's PhraseMatcher, token
    patterns by a first-word index (spaCy's Matcher tries every pattern at every
    token, which costs milliseconds with a lexicon this size).

    Token patterns may use NORM (a string or {"IN": [...]}, or {"REGEX": ...}),
    LIKE_NUM, an empty dict (any token) and "OP": "?" -- what the lexicon uses;
    anything else is refused when the lexicon loads.
    """

    def __init__(self, nlp: Language, patterns: Iterable[dict]) -> None:
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.keys: List[Tuple[str, str]] = []
        key_ids: Dict[Tuple[str, str], int] = {}
        self.token_patterns: List[Tuple[int, list]] = []
        self.required: List[List[frozenset]] = []
        self.by_first: Dict[str, List[int]] = defaultdict(list)
        self.any_first: List[int] = []
        phrase_docs: Dict[int, List[Doc]] = defaultdict(list)
        for entry in patterns:
            key = (entry["label"], str(entry.get("id") or ""))
            if key not in key_ids:
                key_ids[key] = len(self.keys)
                self.keys.append(key)
            kid = key_ids[key]
            if isinstance(entry["pattern"], str):
                phrase_docs[kid].append(nlp.make_doc(entry["pattern"]))
                continue
            steps = [self._step(tok) for tok in entry["pattern"]]
            index = len(self.token_patterns)
            self.token_patterns.append((kid, steps))
            # words the pattern cannot do without: a cheap test before trying it
            # (all of them: a pattern with one word missing from the text is never tried)
            required = sorted((v for kind, v, opt in steps if kind == "set" and not opt), key=len)
            self.required.append(required)
            firsts: Set[str] = set()
            for kind, value, optional in steps:
                if kind != "set":
                    self.any_first.append(index)
                    firsts = set()
                    break
                firsts |= value
                if not optional:
                    break
            for word in firsts:
                self.by_first[word].append(index)
        for kid, docs in phrase_docs.items():
            self.phrases.add(str(kid), docs)
        # The cheap test as bits: each distinct set of required words is a bit; a word
        # sets the bits of the sets it is in, and a pattern is possible when the words of
        # the text set all of its bits.
        set_bit: Dict[frozenset, int] = {}
        self.word_bits: Dict[str, int] = defaultdict(int)
        self.required_bits: List[int] = []
        for required in self.required:
            bits = 0
            for words in required:
                if words not in set_bit:
                    set_bit[words] = 1 << len(set_bit)
                    for word in words:
                        self.word_bits[word] |= set_bit[words]
                bits |= set_bit[words]
            self.required_bits.append(bits)

    @staticmethod
    def _step(tok: dict) -> Tuple[str, object, bool]:
        optional = tok.get("OP") == "?"
        if tok.get("OP") not in (None, "?"):
            raise ValueError(f"unsupported OP in lexicon pattern: {tok}")
        keys = set(tok) - {"OP"}
        if not keys:
            return "any", None, optional
        if keys == {"LIKE_NUM"}:
            return "num", None, optional
        if keys == {"NORM"} or keys == {"LOWER"}:
            value = tok.get("NORM", tok.get("LOWER"))
            if isinstance(value, str):
                return "set", frozenset([value]), optional
            if isinstance(value, dict) and set(value) == {"IN"}:
                return "set", frozenset(value["IN"]), optional
            if isinstance(value, dict) and set(value) == {"REGEX"}:
                return "regex", re.compile(value["REGEX"]), optional
        raise ValueError(f"unsupported lexicon token pattern: {tok}")

    def __call__(self, doc: Doc, start: int = 0, end: Optional[int] = None) -> List[Tuple[str, str, int, int]]:
        """All matches as (label, id, start, end), overlaps included."""
        end = len(doc) if end is None else end
        norms = [t.norm_ for t in doc[start:end]]
        nums = [t.like_num for t in doc[start:end]]
        found: Set[Tuple[int, int, int]] = set()
        n = len(norms)
        have = 0
        word_bits = self.word_bits
        for norm in set(norms):
            have |= word_bits.get(norm, 0)
        missing = ~have
        required_bits = self.required_bits
        for i, norm in enumerate(norms):
            for index in self.by_first.get(norm, ()):
                if required_bits[index] & missing:
                    continue
                kid, steps = self.token_patterns[index]
                for stop in self._ends(steps, 0, i, norms, nums, n):
                    if stop > i:
                        found.add((kid, i + start, stop + start))
            for index in self.any_first:
                kid, steps = self.token_patterns[index]
                for stop in self._ends(steps, 0, i, norms, nums, n):
                    if stop > i:
                        found.add((kid, i + start, stop + start))
        span = doc[start:end] if (start or end != len(doc)) else doc
        for match_id, s, e in self.phrases(span):
            found.add((int(doc.vocab.strings[match_id]), s + start, e + start))
        return [(self.keys[k][0], self.keys[k][1], s, e) for k, s, e in found]

    def _ends(self, steps, k: int, pos: int, norms, nums, n: int) -> List[int]:
        if k == len(steps):
            return [pos]
        kind, value, optional = steps[k]
        out: List[int] = []
        if pos < n:
            if kind == "set":
                ok = norms[pos] in value  # type: ignore[operator]
            elif kind == "any":
                ok = True
            elif kind == "num":
                ok = nums[pos]
            else:
                ok = value.search(norms[pos]) is not None  # type: ignore[union-attr]
            if ok:
                out.extend(self._ends(steps, k + 1, pos + 1, norms, nums, n))
        if optional:
            out.extend(self._ends(steps, k + 1, pos, norms, nums, n))
        return out


class LexiconRuler:
    """The EntityRuler's job (longest match wins, then the earliest) on a :class:`PatternMatcher`."""

    def __init__(self, nlp: Language, patterns: Iterable[dict]) -> None:
        self.matcher = PatternMatcher(nlp, patterns)

    def __call__(self, doc: Doc) -> Doc:
        # longest first, then earliest; on the very same span an IGNORE pattern wins
        matches = sorted(
            self.matcher(doc), key=lambda m: (m[3] - m[2], -m[2], m[0] == IGNORE, m[0], m[1]), reverse=True
        )
        taken = [False] * len(doc)
        spans = []
        for label, ent_id, start, end in matches:
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            spans.append(Span(doc, start, end, label=label, span_id=ent_id or 0))
        doc.ents = sorted(spans, key=lambda sp: sp.start)
        return doc


@Language.factory("backstride_lexicon", default_config={"lexicon_dir": ""})
def make_lexicon(nlp, name, lexicon_dir):  # untyped: see make_speller
    return LexiconRuler(nlp, load_patterns(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR))


# --------------------------------------------------------------------------- speller


def _deletes(word: str, depth: int) -> Set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Damerau with adjacent swaps), early exit past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class LexiconSpeller:
    """Corrects misspelt words (>= 5 letters) to a lexicon word by setting ``token.norm_``.

    Edit distance 1 (2 for words of 9+ letters), SymSpell-style delete index,
    and only when exactly one lexicon word is that close. Common English
    words that sit one edit from a lexicon word ("single" / "tingle") are
    listed in ``lexicon/speller_protected.txt`` and never changed.
    """

    MIN_LENGTH = 5
    MAX_LENGTH = 24  # past this a "word" is noise, and its delete set would explode

    def __init__(self, vocabulary: Set[str], protected: Set[str]) -> None:
        self.vocabulary = {w for w in vocabulary if len(w) >= self.MIN_LENGTH - 1}
        self.protected = set(protected) | set(STOP_WORDS)
        self._index: Dict[str, Set[str]] = defaultdict(set)
        for word in self.vocabulary:
            for deleted in _deletes(word, self._max_distance(len(word))):
                self._index[deleted].add(word)
        self._cache: Dict[str, Optional[str]] = {}

    @staticmethod
    def _max_distance(length: int) -> int:
        return 2 if length >= 9 else 1

    def correct(self, word: str) -> Optional[str]:
        """The lexicon word ``word`` is a typo of, or None."""
        if word in self._cache:
            return self._cache[word]
        result = None
        if (
            self.MIN_LENGTH <= len(word) <= self.MAX_LENGTH
            and word.isalpha()
            and word not in self.vocabulary
            and word not in self.protected
        ):
            limit = self._max_distance(len(word))
            candidates: Set[str] = set()
            for deleted in _deletes(word, limit):
                candidates |= self._index.get(deleted, set())
            best: List[Tuple[int, str]] = []
            for cand in candidates:
                if len(cand) < self.MIN_LENGTH - 1:
                    continue
                dist = _osa_distance(word, cand, limit)
                if dist <= min(limit, self._max_distance(len(cand))):
                    best.append((dist, cand))
            if best:
                best.sort()
                top = [c for d, c in best if d == best[0][0]]
                # Ties: a dropped letter ("midle") is the commonest slip, then a
                # wrong one, then an extra one; and a typo rarely changes the first letter.
                for prefer in (
                    lambda c: c[0] == word[0],
                    lambda c: len(c) == len(word) + 1,
                    lambda c: len(c) == len(word),
                ):
                    if len(top) > 1:
                        narrowed = [c for c in top if prefer(c)]
                        top = narrowed or top
                if len(top) == 1:
                    result = top[0]
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[word] = result
        return result

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if len(token) >= self.MIN_LENGTH and token.is_alpha:
                fixed = self.correct(token.lower_)
                if fixed is not None:
                    token.norm_ = fixed
        return doc


def _speller_for(lexicon_dir: Path) -> LexiconSpeller:
    patterns = load_patterns(lexicon_dir)
    words = lexicon_words(patterns)
    negation = _load_json(lexicon_dir / "negation.json")
    cues = _load_json(lexicon_dir / "cues.json")
    for key in ("preceding_negations", "following_negations", "pseudo_negations", "termination", "uncertain", "hypothetical"):
        for phrase in negation[key]:
            words.update(w for w in phrase.lower().split() if w.isalpha())
    for key in ("radiation_prepositions", "pain_words", "third_party"):
        words.update(cues[key])
    protected_file = lexicon_dir / "speller_protected.txt"
    protected: Set[str] = set()
    if protected_file.exists():
        for line in protected_file.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip().lower()
            if line:
                protected.add(line)
    return LexiconSpeller(words, protected)


@Language.factory("backstride_speller", default_config={"lexicon_dir": ""})
def make_speller(nlp, name, lexicon_dir):  # untyped: spaCy resolves factory signatures at run time
    return _speller_for(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR)


# --------------------------------------------------------------------------- negation

if not Span.has_extension("bs_negated"):
    Span.set_extension("bs_negated", default=False)
if not Span.has_extension("bs_uncertain"):
    Span.set_extension("bs_uncertain", default=False)
if not Span.has_extension("bs_hypothetical"):
    Span.set_extension("bs_hypothetical", default=False)
if not Doc.has_extension("bs_clauses"):
    Doc.set_extension("bs_clauses", default=None)

#: Words that show a site before a symptom is not its subject ("foot and tingling").
_NOT_SUBJECT_LINKS = {"and", "or", "in", "on", "with", "but", "of", "to", "from", "after", "before", "my", "the", "a", "nor", "plus"}
_BODY_WORDS = {"back", "spine", "neck", "hip", "hips", "leg", "legs", "glute", "glutes", "bum", "knee", "foot", "feet", "body", "muscles"}
_QUESTION_WORDS = {"is", "are", "does", "do", "can", "could", "should", "would", "will", "what", "why", "how", "when", "which", "whats", "what's", "or", "maybe"}
#: Words that make a clause the runner's own (for third_party_before); "my" comes
#: after the relative in "my mum had ...", so it is met only when the runner is the subject.
_RUNNER = {"i", "me", "my", "myself", "i'm", "im", "i've", "ive", "i'd"}
_FIRST_PERSON = {"i", "my", "me", "i'm", "im", "i've", "ive", "mine", "myself", "i'd"}
_PUNCT_SKIP = {":", "-", "?", ",", "=", "–", "—", "...", "…", "!", "(", ")"}
_NO_CUE_LABELS = {IGNORE, QUALIFIER}
#: A denial followed by these has an exception: "no tingling except in my left foot".
_EXCEPTION_WORDS = {"except", "excepting", "excluding", "besides", "barring"}
_EXCEPTION_PAIRS = {("apart", "from"), ("aside", "from"), ("other", "than"), ("save", "for"), ("bar", "a"), ("except", "for")}


class ClauseNegex:
    """NegEx over clauses: sets ``ent._.bs_negated`` / ``ent._.bs_uncertain`` and ``doc._.bs_clauses``.

    A clause ends at a sentence end, a termination term ("but", "although"),
    a semicolon, "and" before a new subject ("and my ..."), or a comma before
    a new subject ("..., I feel fine"). A comma before another symptom keeps
    the clause, so "no fever, chills or sweats" negates all three.
    """

    def __init__(self, nlp: Language, negation: dict, cues: dict) -> None:
        self.max_scope = int(negation.get("max_scope_tokens", 8))
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for key in ("preceding_negations", "following_negations", "pseudo_negations", "termination", "uncertain", "hypothetical"):
            docs = [nlp.make_doc(_HYPHEN_IN_WORD.sub(" ", p)) for p in negation[key]]
            self.matcher.add(key, docs)
        self.clause_starters = set(cues["clause_starters"])

    def clauses(self, doc: Doc, terminations: Sequence[Tuple[int, int]]) -> List[int]:
        starts = [False] * len(doc)
        for start, _end in terminations:
            starts[start] = True
        for tok in doc:
            i = tok.i
            if tok.is_sent_start and i > 0:
                starts[i] = True
            text = tok.text
            if tok.is_space and "\n" in text and i + 1 < len(doc):
                starts[i + 1] = True
            if text in (";", "(", ")", "•", "*") and i + 1 < len(doc):
                starts[i + 1] = True
            if text in (",", "-", "–", "—", "/") and i + 1 < len(doc):
                if doc[i + 1].norm_ in self.clause_starters or doc[i + 1].lower_ in self.clause_starters:
                    starts[i + 1] = True
        ids, current = [], 0
        for i in range(len(doc)):
            if starts[i] and i > 0:
                current += 1
            ids.append(current)
        return ids

    def __call__(self, doc: Doc) -> Doc:
        found = defaultdict(list)
        for match_id, start, end in self.matcher(doc):
            found[doc.vocab.strings[match_id]].append((start, end))
        clause = self.clauses(doc, found["termination"])
        doc._.bs_clauses = clause
        if not doc.ents:
            return doc
        pseudo_tokens = {i for s, e in found["pseudo_negations"] for i in range(s, e)}
        # A cue inside a positive match ("can't pee") negates nothing else; inside a
        # negative one ("doesn't travel") it still reaches on ("... down my legs").
        inside_ents = {
            i
            for ent in doc.ents
            if ent.label_ not in _NO_CUE_LABELS and ent.ent_id_ not in ("none", "false")
            for i in range(ent.start, ent.end)
        }
        preceding = [
            (s, e)
            for s, e in found["preceding_negations"]
            if not any(i in pseudo_tokens for i in range(s, e)) and not any(i in inside_ents for i in range(s, e))
        ]
        uncertain = [(s, e, False) for s, e in found["uncertain"]] + [(s, e, True) for s, e in found["hypothetical"]]
        following: Dict[int, List[int]] = defaultdict(list)
        for s, e in found["following_negations"]:
            following[s].append(e)
        for ent in doc.ents:
            if ent.label_ in _NO_CUE_LABELS:
                continue
            if self._general_question(ent.sent):
                ent._.bs_uncertain = True
                ent._.bs_hypothetical = True
                continue
            c = clause[ent.start]
            for s, e, hypothetical in uncertain:
                # a cue may end inside the match: "if I couldn't" + "couldn't pee"
                if s < ent.start and e <= ent.end and clause[max(s, e - 1)] == c and ent.start - e <= self.max_scope + 2:
                    ent._.bs_uncertain = True
                    ent._.bs_hypothetical = ent._.bs_hypothetical or hypothetical
            # A reassurance ("sleeping ok", "stays in my back") is only negated by a cue
            # right before it ("not sleeping well"), never across a comma.
            scope = 2 if ent.ent_id_ in ("false", "none") else self.max_scope
            for s, e in preceding:
                if e <= ent.start and clause[e - 1] == c and ent.start - e <= scope:
                    if scope == 2 and any(t.is_punct for t in doc[e : ent.start]):
                        continue
                    ent._.bs_negated = True
                    break
            if not ent._.bs_negated and ent.ent_id_ not in ("false", "none"):
                # a trailing "no" after a reassurance ("not unwell, no") repeats the answer
                ent._.bs_negated = self._followed_by_negation(doc, ent, following)
            if ent._.bs_negated and ent.ent_id_ not in ("false", "none") and self._exception_after(doc, ent):
                ent._.bs_negated = False  # "no tingling except a little in my left foot": some tingling
        return doc

    @staticmethod
    def _exception_after(doc: Doc, ent: Span) -> bool:
        """ "no numbness apart from my left foot": the denial has an exception, so the symptom is there."""
        i = ent.end
        if i < len(doc) and doc[i].text in _PUNCT_SKIP:
            i += 1
        words = [t.lower_ for t in doc[i : i + 2]]
        if not words:
            return False
        if words[0] in _EXCEPTION_WORDS:
            return True
        return len(words) == 2 and (words[0], words[1]) in _EXCEPTION_PAIRS

    @staticmethod
    def _general_question(sent: Span) -> bool:
        """ "Is numbness serious?": a question about a symptom, not a report of one."""
        last = sent[-1]
        while last.is_space and last.i > sent.start:
            last = last.doc[last.i - 1]
        if last.text != "?" or sent[0].lower_ not in _QUESTION_WORDS:
            return False
        return not any(tok.lower_ in _FIRST_PERSON for tok in sent)

    def _followed_by_negation(self, doc: Doc, ent: Span, following: Dict[int, List[int]]) -> bool:
        """ "numbness? no", "tingling - none", "the numbness has gone"."""
        i = ent.end
        skipped = 0
        while i < len(doc) and doc[i].text in _PUNCT_SKIP and skipped < 2:
            i += 1
            skipped += 1
        for end in sorted(following.get(i, ()), reverse=True):
            words = [t.lower_ for t in doc[i:end]]
            if len(words) > 1 and words[0] in ("is", "has", "'s", "went", "cleared", "settled", "not", "isn't"):
                return True  # "has gone", "went away": the symptom is over
            # a bare "no" / "nope" must close the answer: "numbness no tingling" is a list
            if end >= len(doc) or doc[end].is_punct:
                return True
            if words[0] != "no" and doc[end].lower_ in ("and", "but", "to", "for", "thanks", "thank"):
                return True
        return False


@Language.factory("backstride_negex", default_config={"lexicon_dir": ""})
def make_negex(nlp, name, lexicon_dir):  # untyped: see make_speller
    folder = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
    return ClauseNegex(nlp, _load_json(folder / "negation.json"), _load_json(folder / "cues.json"))


# --------------------------------------------------------------------------- scores and numbers

_HYPHEN_IN_WORD = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_TAG = re.compile(r"<[^<>]{0,200}>")
_HTML_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));")
_NAMED_ENTITIES = {"amp": "&", "quot": '"', "apos": "'", "lt": "<", "gt": ">", "nbsp": " ", "rsquo": "'", "lsquo": "'"}
_SAME_LENGTH = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u00a0": " ", "\u201c": '"', "\u201d": '"'})
_NEEDS_MAPPING = re.compile("[<&\u200b\u200c\u200d\u2060\ufeff\u00ad\x00]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DROPPED = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x00"}


def clean_text(text: str) -> Tuple[str, Optional[List[int]]]:
    """Text for matching, and where each of its characters came from (None: same places).

    Straight apostrophes, no HTML tags or entities, no zero-width characters,
    and "mid-back" read as "mid back"; offsets still point into ``text``.
    """
    text = _SURROGATE.sub("\ufffd", text)  # lone surrogates break spaCy's string store; same length
    if not _NEEDS_MAPPING.search(text):
        return _HYPHEN_IN_WORD.sub(" ", text.translate(_SAME_LENGTH)), None
    chars: List[str] = []
    offsets: List[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m:
                chars.append(" ")
                offsets.append(i)
                i = m.end()
                continue
        elif ch == "&":
            m = _HTML_ENTITY.match(text, i)
            if m:
                rep = _entity_char(m)
                if rep is not None:
                    chars.append(rep)
                    offsets.append(i)
                    i = m.end()
                    continue
        elif ch in _DROPPED:
            i += 1
            continue
        chars.append(ch.translate(_SAME_LENGTH))
        offsets.append(i)
        i += 1
    offsets.append(n)
    return _HYPHEN_IN_WORD.sub(" ", "".join(chars)), offsets


def _entity_char(m: re.Match) -> Optional[str]:
    try:
        if m.group(1):
            ch = chr(int(m.group(1)))
        elif m.group(2):
            ch = chr(int(m.group(2), 16))
        else:
            ch = _NAMED_ENTITIES.get(m.group(3).lower())
    except (ValueError, OverflowError):
        return None
    return None if ch is None else ch.translate(_SAME_LENGTH)
_NUM_WORDS_0_10 = "zero|one|two|three|four|five|six|seven|eight|nine|ten"
_SCORE = rf"(?:10(?:\.0)?|\d(?:\.\d+)?|{_NUM_WORDS_0_10})"
_SCORE_RANGE = rf"(?P<score>{_SCORE})(?:\s*(?:-|–|to|or|/)\s*(?P<score2>{_SCORE}))?"
_NOT_A_SCORE_AFTER = (
    r"(?!\s*(?:k\b|km|kms|mi\b|mile|miles|min|mins|minute|minutes|hour|hours|hr|hrs|h\b|day|days|week|weeks|wk|month|months|"
    r"year|years|yr|am\b|pm\b|%|x\b|times|kg|kgs|lb|lbs|st\b|stone|th\b|st\b|nd\b|rd\b|:|\.\d|k\s*race|marathon|half|"
    r"mile|metres|meters|m\b|sec|secs|seconds|minute|off\b|time\b|thing\b))"
)
_SEVERITY_PATTERNS = [
    # 7/10, 7 out of 10, 6-7/10, seven out of ten, 7 outta 10
    re.compile(rf"\b{_SCORE_RANGE}\s*(?:/|out\s+of|outta|of)\s*(?P<scale>10|ten)\b(?!\s*(?:k|km|mi|mile|miles|min))", re.I),
    re.compile(rf"\b{_SCORE_RANGE}\s*(?:/|out\s+of|outta)\s*(?P<scale>5|five)\b(?!\s*(?:k|km|mi|mile|miles|min))", re.I),
    # 8 on a scale (of 1-10), a 7 on the pain scale
    re.compile(rf"\b{_SCORE_RANGE}\s+on\s+(?:a|the|my)\s+(?:pain\s+)?scale\b", re.I),
    # on a scale of 1 to 10 it's about a 7
    re.compile(
        rf"\bscale\s+(?:of\s+)?(?:0|1|one|zero)\s*(?:-|–|to)\s*(?:10|ten)\s*[,:]?\s*"
        rf"(?:(?:it'?s|it\s+is|its|i'?d\s+say|i\s+would\s+say|i'?d\s+give\s+it|i\s+give\s+it|maybe|about|around|probably|roughly|like|say|a|an|solid|strong|good|high|low)\s+)*"
        rf"{_SCORE_RANGE}{_NOT_A_SCORE_AFTER}",
        re.I,
    ),
    # pain level 6, severity: 7, pain is 7, rate it 6, rated a 5, score of 4
    re.compile(
        rf"\b(?:pain\s+(?:level|score|rating)|pain|severity|level|rating|score|intensity|rate\s+it|rated|rating\s+it|i'?d\s+rate\s+it|i\s+rate\s+it|out\s+of\s+(?:10|ten))"
        rf"\s*(?:is|was|of|at|=|:|-|–|as|around|about|like|maybe|probably|roughly|currently|right\s+now|now|today|sits\s+at|,)?\s*"
        rf"(?:(?:about|around|maybe|like|roughly|probably|prob|i'?d\s+say|say|a|an|at|solid|strong|good|high|low|easy|firm|decent|dull|mild)\s+)*{_SCORE_RANGE}\b{_NOT_A_SCORE_AFTER}",
        re.I,
    ),
    # about a 6, I'd say a 7, it's an 8, maybe a 3, give it a 5
    re.compile(
        rf"\b(?:it'?s|it\s+is|its|that'?s|i'?d\s+say|i\s+would\s+say|say|give\s+it|gave\s+it|call\s+it|about|around|maybe|like|"
        rf"roughly|probably|prob|solid|strong|high|low|easy|good|at\s+least|nearly|almost|currently|now|today|hovering\s+around|sitting\s+at|and|but|then)"
        rf"\s+(?:at\s+|as\s+)?(?:a|an)\s+(?:(?:solid|strong|good|high|low|easy|firm|decent|dull|mild|constant|steady|nagging|bad|hard|real|proper|niggly|sharp)\s+)?{_SCORE_RANGE}\b{_NOT_A_SCORE_AFTER}",
        re.I,
    ),
]
_BARE_NUM = (
    rf"\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
    rf"{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}"
)
#: What may not follow a bare number ("5k", "10 miles", "3 days", "45 years old", "a one off").
_NOT_A_NUMBER_AFTER = (
    r"(?![\w/:%£$€-]|\.\d|\s*(?:k\b|km|kms|mi\b|miles?|metres?|meters?|m\b|am\b|pm\b|%|x\b|times|kg|kgs|lbs?|st\b|stone|kilos?|pounds|years?\s+old|year-old|yo\b|y/o|th\b|nd\b|rd\b|min|mins|minutes?|hours?|hrs?|secs?|seconds|days?|weeks?|months?|years?|marathons?|halfs?|races?|runs?|laps?|reps|sets|miler|k\s+race|off\b))"
)
#: A bare number ("7", "about four", "7ish").
_NUMBER_RE = re.compile(rf"(?<![\w./:£$€#-])(?P<num>{_BARE_NUM})(?:-?ish\b)?{_NOT_A_NUMBER_AFTER}", re.I)
#: A bare range written with a dash ("5-6", "2–3"): one number, the upper end (the safer one).
_NUMBER_RANGE_RE = re.compile(
    rf"(?<![\w./:£$€#-])(?P<num>{_BARE_NUM})\s*[-–]\s*(?P<num2>{_BARE_NUM})(?:-?ish\b)?{_NOT_A_NUMBER_AFTER}", re.I
)
#: The ends of a pain scale ("on a scale of 1 to 10", "0-10"): not answers.
_SCALE_BOUNDS = re.compile(r"\b(?:0|1|zero|one)\s*(?:-|–|to)\s*(?:10|ten)\b(?!\s*(?:k\b|km|mi\b|miles?|min|days?|weeks?))", re.I)
_NUMBER_LABEL_BEFORE = re.compile(
    r"\b(?:mile|miles|km|k|lap|laps|week|day|month|year|rep|reps|set|sets|page|level|step|stage|number|no\.?|size|age|aged|"
    r"minute|min|hour|kilometre|kilometer|marathon|parkrun|session|interval|intervals|grade|gear|floor|platform|route|bus|room|out\s+of|/)\s*$",
    re.IGNORECASE,
)
_ONE_BLOCKERS = re.compile(r"(?:\b(?:the|this|that|which|left|right|other|every|each|no|any|some|a|an|only|just|at|in|on|with|for|of|than|as)\s+)$", re.I)


def _score_value(match: re.Match) -> Optional[float]:
    values = [number_value(match.group("score"))]
    if match.groupdict().get("score2"):
        values.append(number_value(match.group("score2")))
    if any(v is None for v in values):
        return None
    value = max(values)  # "6-7/10": the worse end
    scale = (match.groupdict().get("scale") or "10").lower()
    if scale in ("5", "five"):
        value *= 2
    return float(min(value, 10.0)) if value >= 0 else None


# --------------------------------------------------------------------------- interpretation


class _Match:
    __slots__ = ("label", "id", "start", "end", "cstart", "cend", "negated", "uncertain", "hypothetical", "clause", "used")

    def __init__(self, ent: Span, clause: List[int]) -> None:
        self.label = ent.label_
        self.id = ent.ent_id_
        self.start = ent.start
        self.end = ent.end
        self.cstart = ent.start_char
        self.cend = ent.end_char
        self.negated = bool(ent._.bs_negated)
        self.uncertain = bool(ent._.bs_uncertain)
        self.hypothetical = bool(ent._.bs_hypothetical)
        self.clause = clause[ent.start] if clause else 0
        self.used = False


class _Interpreter:
    """Turns ruler matches of one doc into findings (the rules a reviewer reads)."""

    def __init__(
        self, doc: Doc, text: str, cues: dict, rapid: PhraseMatcher, chest_words: Set[str], locations: "PatternMatcher"
    ) -> None:
        self.locations = locations
        self.doc = doc
        self.text = text
        self.cues = cues
        self.clause = doc._.bs_clauses or [0] * len(doc)
        self.matches = [_Match(ent, self.clause) for ent in doc.ents if ent.label_ != IGNORE]
        self.findings: List[Finding] = []
        self._sites: Optional[List[_Match]] = None
        self._sites_by_clause: Optional[Dict[int, List[_Match]]] = None
        self._radiating_clauses: Optional[Set[int]] = None
        self.preps = set(cues["radiation_prepositions"])
        self.fillers = set(cues["radiation_fillers"]) | self.preps
        self.third_party = set(cues["third_party"])
        #: pain and pressure words that make a chest mention chest pain ("tight chest")
        self.chest_words = chest_words
        self.site_window = int(cues.get("site_link_window", 6))
        self.chest_window = int(cues.get("chest_link_window", 8))
        self.rapid_sents = {doc[s].sent.start for _, s, _e in rapid(doc)}
        #: the certainty of the match being read (``hedge`` after "not sure if")
        self.certainty = PLAIN

    # -- helpers
    def add(self, slot: str, value: object, cstart: int, cend: int, certainty: Optional[str] = None) -> None:
        self.findings.append(Finding(slot, value, cstart, cend, self.text[cstart:cend], certainty or self.certainty))

    def sites(self) -> List[_Match]:
        if self._sites is None:
            self._sites = [
                m for m in self.matches if m.label == BODY_SITE or (m.label == PAIN_LOCATION and m.id == "buttock_hip")
            ]
        return self._sites

    def radiation_cue_start(self, m: _Match) -> Optional[int]:
        """Token index of the preposition that sends pain to this site ("down", "into"), or None."""
        i = m.start - 1
        gap = 0
        prep_at = None
        while i >= 0 and gap <= 7 and self.clause[i] == m.clause:
            tok = self.doc[i]
            norm = tok.norm_
            if norm in self.preps:
                prep_at = i
            elif norm in _LIST_WORDS or tok.ent_type_ in (BODY_SITE, PAIN_LOCATION):
                pass  # a list of places: "into my arse, hamstring and calf"
            elif norm not in self.fillers and not tok.is_punct:
                break
            i -= 1
            gap += 1
        return prep_at

    def radiating_in_clause(self, m: _Match) -> bool:
        if self._radiating_clauses is None:
            self._radiating_clauses = {
                o.clause for o in self.matches if o.label == PAIN_RADIATION and o.id == "any" and not o.negated
            }
        return m.clause in self._radiating_clauses

    def linked_site(self, m: _Match, kinds: Optional[Set[str]] = None) -> Optional[_Match]:
        best, best_gap = None, None
        if self._sites_by_clause is None:
            self._sites_by_clause = defaultdict(list)
            for site in self.sites():
                self._sites_by_clause[site.clause].append(site)
        for s in self._sites_by_clause.get(m.clause, ()):
            if s is m:
                continue
            gap = m.start - s.end if s.end <= m.start else s.start - m.end if s.start >= m.end else 0
            if gap > self.site_window:
                continue
            kind = s.id if s.label == BODY_SITE else "buttock"
            if kinds is not None and kind not in kinds:
                continue
            # prefer the site after the symptom ("numbness in my foot"), then the nearer one
            key = (gap, 0 if s.start >= m.end else 1)
            if best is None or key < best_gap:
                best, best_gap = s, key
        return best

    def span_with(self, m: _Match, other: Optional[_Match], include_after: bool) -> Tuple[int, int]:
        """The symptom's span, widened to its site when the site is its subject ("my toes go numb")."""
        if other is None:
            return m.cstart, m.cend
        if other.end <= m.start and m.start - other.end <= 3:
            between = self.doc[other.end : m.start]
            if all(not t.is_punct and t.norm_ not in _NOT_SUBJECT_LINKS for t in between):
                return other.cstart, m.cend
        if include_after and other.start >= m.end and other.start - m.end <= 3:
            return m.cstart, other.cend
        return m.cstart, m.cend

    def _body_part_subject(self, m: _Match) -> bool:
        for i in range(max(0, m.start - 2), m.start):
            tok = self.doc[i]
            if tok.norm_ in _BODY_WORDS or tok.ent_type_ in (PAIN_LOCATION, BODY_SITE):
                return True
        return False

    def third_party_before(self, m: _Match) -> bool:
        """The clause is about someone else ("my mum had cancer", "my friend fell off his bike").

        Walking back from the match, the runner ("I", "me", "my") met before anyone
        else makes it theirs ("my coach says I'm limping"), as does a match that
        names the runner in or just after it ("a cyclist crashed into me").
        """
        if any(t.norm_ in _RUNNER for t in self.doc[m.start : m.end]):
            return False  # "my mate crashed into me", "my friend knocked me over"
        after = self.doc[m.end : min(len(self.doc), m.end + 2)]
        if any(t.norm_ in ("me", "myself") and self.clause[t.i] == m.clause for t in after):
            return False  # "... ran into me", but not "my dad had cancer when I was young"
        i = m.start - 1
        while i >= 0 and self.clause[i] == m.clause and m.start - i <= 10:
            norm = self.doc[i].norm_
            if norm in self.third_party:
                return True
            if norm in _RUNNER:
                return False
            i -= 1
        return False

    def rapid(self, m: _Match) -> bool:
        return self.doc[m.start].sent.start in self.rapid_sents

    # -- rules
    def run(self) -> List[Finding]:
        # "what if I lost bladder control": no report. "Not sure if my groin is numb": a
        # report to be confirmed when it is an emergency sign (the reader drops the rest).
        for m in self.matches:
            if m.hypothetical:
                m.used = True
        for m in self.matches:
            if m.used:
                continue
            self.certainty = HEDGE if m.uncertain else PLAIN
            if m.label == NUMBNESS_TINGLING:
                self.numbness(m)
            elif m.label == LEG_WEAKNESS:
                self.weakness(m)
        for m in self.matches:
            if m.used:
                continue
            self.certainty = HEDGE if m.uncertain else PLAIN
            if m.label == PAIN_LOCATION:
                self.location(m)
            elif m.label == BODY_SITE:
                self.site(m)
            elif m.label == PAIN_RADIATION:
                self.radiation(m)
            elif m.label == SYSTEMIC_SIGNS:
                self.systemic(m)
            elif m.label in _SIMPLE_BOOLEANS:
                if m.label == TRAUMA and not m.negated:
                    self.locations_inside(m)  # "landed on my tailbone"
                if m.label == TRAUMA and m.id == "minor":
                    # "landed hard", "went over on the kerb": maybe a serious fall, maybe not
                    if not m.negated and not self.third_party_before(m):
                        self.add(TRAUMA, True, m.cstart, m.cend, certainty=HEDGE if m.uncertain else MINOR)
                    elif m.negated:
                        self.add(TRAUMA, False, m.cstart, m.cend)
                    continue
                if m.label == CHEST_PAIN and m.id == "breath":
                    self.breath(m)
                    continue
                if m.id in ("true", "false"):
                    value = (m.id == "true") != m.negated
                    if value and self.third_party_before(m):
                        continue  # "my friend had cauda equina", "my mum has bladder problems"
                    # a negated reassurance is a positive: "not walking normally", "not the first time"
                    self.add(m.label, value, m.cstart, m.cend)
        return self.findings

    def numbness(self, m: _Match) -> None:
        m.used = True
        if m.id == "false":
            self.add(NUMBNESS_TINGLING, m.negated, m.cstart, m.cend)  # "feeling isn't normal": True
            return
        site = self.linked_site(m)
        kind = None if site is None else (site.id if site.label == BODY_SITE else "buttock")
        if kind == "saddle" or kind in ("both_legs", "legs") or (kind == "buttock" and m.id == "numb"):
            site.used = True
            start, end = self.span_with(m, site, include_after=True)
            self.add(EMERGENCY_SIGNS, not m.negated, start, end, certainty=PLURAL if kind == "legs" and not m.negated else None)
            if m.negated and (kind in ("both_legs", "legs") or self._leg_site_in_clause(m, site)):
                # "no numbness in my legs", "no numbness in my groin or legs": none at all
                self.add(NUMBNESS_TINGLING, False, start, end)
            return
        if kind in ("other_site", "chest"):
            return  # arms, hands, core: not the leg numbness the contract asks about
        start, end = self.span_with(m, site, include_after=False)
        if site is not None and site.end <= m.start and site.label == BODY_SITE and site.id in _LEG_SITES:
            site.used = self.radiation_cue_start(site) is None and not self.radiating_in_clause(site)
        self.add(NUMBNESS_TINGLING, not m.negated, start, end)

    def _leg_site_in_clause(self, m: _Match, besides: _Match) -> bool:
        """Another leg site in the symptom's clause ("no numbness in my groin or legs")."""
        return any(
            s is not besides and s.label == BODY_SITE and (s.id in _LEG_SITES or s.id in ("below_knee", "both_legs", "legs"))
            for s in self.sites()
            if s.clause == m.clause
        )

    def weakness(self, m: _Match) -> None:
        m.used = True
        if m.id == "false":
            if not m.negated:
                self.add(LEG_WEAKNESS, False, m.cstart, m.cend)
            return
        site = self.linked_site(m)
        kind = None if site is None else (site.id if site.label == BODY_SITE else "buttock")
        if kind in ("both_legs", "legs"):
            site.used = True
            start, end = self.span_with(m, site, include_after=True)
            self.add(EMERGENCY_SIGNS, not m.negated, start, end, certainty=PLURAL if kind == "legs" and not m.negated else None)
            if m.negated:
                self.add(LEG_WEAKNESS, False, start, end)  # "no weakness in my legs": none at all
            return
        if m.id == "weak" and kind not in _LEG_SITES:
            # "weak" with no leg nearby (core, glutes, "I feel weak") is not leg weakness;
            # but a negated one ("no weakness") still answers the question.
            if kind is None and m.negated:
                self.add(LEG_WEAKNESS, False, m.cstart, m.cend)
            return
        start, end = self.span_with(m, site, include_after=False)
        if site is not None and site.end <= m.start:
            site.used = self.radiation_cue_start(site) is None
        if not m.negated and self.rapid(m):
            self.add(EMERGENCY_SIGNS, True, start, end)
            return
        self.add(LEG_WEAKNESS, not m.negated, start, end)

    def locations_inside(self, m: _Match) -> None:
        found = self.locations(self.doc, m.start, m.end)
        if found:
            _label, loc, s, e = max(found, key=lambda x: x[3] - x[2])
            self.add(PAIN_LOCATION, loc, self.doc[s].idx, self.doc[e - 1].idx + len(self.doc[e - 1]))

    def _only_there(self, m: _Match) -> bool:
        """ "doesn't go into my leg, only my bum": the bum is where it goes."""
        i = m.start - 1
        while i >= 0 and self.doc[i].norm_ in ("my", "the", "left", "right", "into", "to", "in"):
            i -= 1
        if i < 0 or self.doc[i].norm_ not in ("only", "just", "mainly", "mostly"):
            return False
        sent = self.doc[m.start].sent
        return any(
            o is not m and sent.start <= o.start < sent.end
            and (o.label == PAIN_RADIATION or (o.label == BODY_SITE and o.id in _SITE_RADIATION))
            for o in self.matches
        )

    def location(self, m: _Match) -> None:
        if m.negated:
            return
        if m.id == "buttock_hip":
            prep = self.radiation_cue_start(m)
            if prep is not None or (self.radiating_in_clause(m) and self._after_back_location(m)) or self._only_there(m):
                start = self.doc[prep].idx if prep is not None else m.cstart
                self.add(PAIN_RADIATION, "buttock", start, m.cend)
                return
        self.add(PAIN_LOCATION, m.id, m.cstart, m.cend)

    def _after_back_location(self, m: _Match) -> bool:
        return any(
            o.label == PAIN_LOCATION and o.id != "buttock_hip" and o.clause == m.clause and o.end <= m.start
            for o in self.matches
        )

    def site(self, m: _Match) -> None:
        if m.id == "chest":
            self.chest(m)
            return
        value = _SITE_RADIATION.get(m.id)
        if value is None:
            return
        if m.end < len(self.doc) and self.doc[m.end].norm_ in _SITE_ACTION_VERBS:
            return  # "my left foot slipped": the foot did something, the pain went nowhere
        if m.start > 0 and self.doc[m.start].norm_ in _OTHERS_OWN or self.doc[max(0, m.start - 1)].norm_ in _OTHERS_OWN:
            return  # "it goes down her leg": someone else's
        prep = self.radiation_cue_start(m)
        if prep is None and m.id != "past_knee" and not self.radiating_in_clause(m):
            return
        start = self.doc[prep].idx if prep is not None else m.cstart
        if m.negated:
            value = "thigh" if m.id == "past_knee" else "none"
        self.add(PAIN_RADIATION, value, start, m.cend, certainty=PLURAL if m.id == "legs" and not m.negated else None)

    def chest(self, m: _Match) -> None:
        sent = self.doc[m.start].sent
        window = self.chest_window  # "a tight squeezing feeling on the left side of my chest"
        for i in range(max(sent.start, m.start - window), min(sent.end, m.end + window)):
            if m.start <= i < m.end:
                continue
            if self.doc[i].norm_ in self.chest_words:
                lo, hi = min(i, m.start), max(i + 1, m.end)
                self.add(CHEST_PAIN, not m.negated, self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1]))
                return
        if not m.negated:
            self.add(CHEST_MENTIONED, True, m.cstart, m.cend)  # "my chest", "chest strap rubs": ask

    def breath(self, m: _Match) -> None:
        """Breathlessness: the chest pain rule when it is new or unexplained, else a reason to ask."""
        sentence_words = {t.norm_ for t in self.doc[m.start].sent}
        if m.negated:
            self.add(CHEST_PAIN, False, m.cstart, m.cend)
        elif sentence_words & _NEW_WORDS:
            self.add(CHEST_PAIN, True, m.cstart, m.cend)
        else:
            self.add(CHEST_MENTIONED, True, m.cstart, m.cend)

    def radiation(self, m: _Match) -> None:
        if any(t.norm_ in _OTHERS_OWN for t in self.doc[m.start : m.end]):
            return  # "it goes down her leg"
        if m.id == "any":
            if m.negated:
                self.add(PAIN_RADIATION, "none", m.cstart, m.cend)
            return
        if m.id == "none":
            if not m.negated:
                self.add(PAIN_RADIATION, "none", m.cstart, m.cend)
                self.locations_inside(m)  # "it stays in my lower back": lower_back too
            return
        self.add(PAIN_RADIATION, "none" if m.negated else m.id, m.cstart, m.cend)

    def systemic(self, m: _Match) -> None:
        if m.id == "false":
            self.add(SYSTEMIC_SIGNS, m.negated, m.cstart, m.cend)  # "I don't feel well in myself": True
            return
        if self.third_party_before(m):
            return  # "my mum had breast cancer": not the runner's history
        if m.id == "true" and self._body_part_subject(m):
            return  # "my back is feeling rough" is about the back, not the runner
        if m.id == "weight_loss":
            if m.negated:
                self.add(SYSTEMIC_SIGNS, False, m.cstart, m.cend)
                return
            sent = self.doc[m.start].sent
            quals = [q for q in self.matches if q.label == QUALIFIER and sent.start <= q.start < sent.end]
            unintended = [q for q in quals if q.id == "unintended"]
            if unintended:
                # "without trying" outweighs an explanation in the same sentence
                # ("... even with more running"): the safer reading
                q = unintended[0]
                start, end = (m.cstart, q.cend) if q.start >= m.end and q.start - m.end <= 3 else (m.cstart, m.cend)
                self.add(SYSTEMIC_SIGNS, True, start, end)
            elif quals:  # only intended ones: "on purpose", "been dieting"
                self.add(SYSTEMIC_SIGNS, False, m.cstart, m.cend)
            return
        self.add(SYSTEMIC_SIGNS, not m.negated, m.cstart, m.cend)


# --------------------------------------------------------------------------- the reader


class SymptomReader:
    """Reads contract facts from a runner's message. Build once, call :meth:`read` per message."""

    def __init__(self, lexicon_dir: Path | None = None) -> None:
        self.lexicon_dir = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
        self.cues = _load_json(self.lexicon_dir / "cues.json")
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("backstride_speller", config={"lexicon_dir": str(self.lexicon_dir)})
        nlp.add_pipe("backstride_lexicon", config={"lexicon_dir": str(self.lexicon_dir)})
        nlp.add_pipe("backstride_negex", config={"lexicon_dir": str(self.lexicon_dir)})
        self.nlp = nlp
        self.locations = PatternMatcher(nlp, [p for p in load_patterns(self.lexicon_dir) if p["label"] == PAIN_LOCATION])
        self.rapid = PhraseMatcher(nlp.vocab, attr="NORM")
        self.rapid.add("rapid", [nlp.make_doc(p) for p in self.cues["rapid_worsening"]])
        self.chest_words = set(self.cues["pain_words"]) | set(self.cues["chest_words"])
        self.pain_link = frozenset(self.cues["pain_link_words"])
        self.other_parts = frozenset(self.cues["other_body_parts"])
        self.serious_fall = PhraseMatcher(nlp.vocab, attr="NORM")
        self.serious_fall.add("serious", [nlp.make_doc(p) for p in self.cues["serious_fall_signs"]])
        self.time_cues = TimeCues.load(self.lexicon_dir / "time.json")
        self.hedges = PhraseMatcher(nlp.vocab, attr="NORM")
        self.hedges.add("hedge", [nlp.make_doc(p) for p in self.cues["hedges"]])

    def _scopes(self, doc: Doc, clean: str, now: datetime):
        """A function from a character offset to the time scope of its clause."""
        clause = doc._.bs_clauses or [0] * len(doc)
        if not len(doc):
            return (lambda _offset: CURRENT), (lambda _offset: 0), set(), -1, []
        n = clause[-1] + 1
        first = [-1] * n
        last = [0] * n
        sentence = [0] * n
        for tok in doc:
            c = clause[tok.i]
            if first[c] < 0:
                first[c] = tok.idx
                sentence[c] = tok.sent.start
            last[c] = tok.idx + len(tok)
        texts = [clean[first[c] : last[c]] if first[c] >= 0 else "" for c in range(n)]
        scopes = clause_scopes(texts, sentence, self.time_cues, now)
        starts = [t.idx for t in doc]

        def scope_at(offset: int) -> str:
            i = max(0, bisect_right(starts, offset) - 1)
            return scopes[clause[i]]

        def clause_of(offset: int) -> int:
            return clause[max(0, bisect_right(starts, offset) - 1)]

        hedged = {clause[s] for _, s, _e in self.hedges(doc)}
        # "... that one cleared up. Then 2 weeks ago it started again": all before the last
        # account of the pain going away is an earlier episode
        cleared = [
            m.end() for m in _CLEARED.finditer(clean)
            if not _NOT_CLEARED.search(clean[max(0, m.start() - 30) : m.start()])
            and (_PAIN_FREE.search(m.group(0)) or _CLEARED_SUBJECT.search(clean[max(0, m.start() - 40) : m.start()]))
        ]
        # ... and only when the pain is told again after it ("Back felt fine" on today's run
        # ends nothing: there is no new pain after it)
        # A clearing told of an old episode ("(that one cleared up)" after "back in 2009") is no
        # boundary of this story.
        cleared = [
            end for end in cleared
            if scope_at(max(0, end - 1)) != LONG_AGO and not _OLD_TIME.search(sentence_before(clean, end))
        ]
        while cleared and not any(t.idx > cleared[-1] and self._pain_word(t, symptoms=False) for t in doc):
            cleared.pop()
        cleared_before = -1
        if cleared:  # to the end of that clause, and a time right after it was the pain-free spell
            last = cleared[-1]
            i = max(0, bisect_right(starts, last) - 1)
            ends = [t.idx + len(t) for t in doc if clause[t.i] == clause[i]]
            cleared_before = max(ends[-1] if ends else last, last)
            after = _TIME_RIGHT_AFTER.match(clean, last)
            if after:
                cleared_before = max(cleared_before, after.end())
        serious = [doc[s].sent for _, s, _e in self.serious_fall(doc)]
        return scope_at, clause_of, hedged, cleared_before, serious

    def _in_time_and_certainty(self, findings: List[Finding], doc: Doc, where) -> List[Finding]:
        """Scope every finding in time and say how sure an emergency-level one is.

        - an emergency-level finding from the past is to be confirmed, except a
          fall or accident of an earlier episode or of long ago: an old injury the
          pain grumbles on from is not the major trauma rule (the triage policy, section 2),
          so it reads as "no serious fall this time";
        - one in a hedged clause ("I think", "maybe", "not sure if") is to be confirmed;
        - any other finding from an earlier episode or long ago is not about this
          pain and is dropped (the form asks), except a history of cancer and a
          pain that keeps coming back, which are history by nature; a duration is
          dropped only when it measured an earlier episode ("it lasted 6 weeks").
        """
        scope_at, clause_of, hedged_clauses, cleared_before, serious = where
        sentences = list(doc.sents)
        story = len(sentences) > 2  # a story, not an answer: times of other things abound
        kept: List[Finding] = []
        for f in findings:
            if story and f.slot == PAIN_DURATION_DAYS and not _CALENDAR_DAY.search(f.text) and not self._about_the_pain(sentences, f.start):
                continue  # "six months of training", "was away last week"; a day named stays ("Saturday started great.")
            if (f.slot in _ELSEWHERE_FACTS and f.value is True or story and f.slot == PAIN_DURATION_DAYS) and self._about_another_part(doc, clause_of, f):
                continue  # "the tendonitis in my shoulder is coming back", "a rolled ankle from a few days ago"
            scope = scope_at(f.start)
            before_clearing = f.end <= cleared_before and f.slot != PAIN_SEVERITY
            f = replace(f, scope=EARLIER if before_clearing and scope in (CURRENT, RECENT) else scope)
            if is_emergency_level(f):
                if f.certainty == PLAIN and _PLURAL_LEGS.search(f.text) and not _BOTH_SIDES.search(f.text):
                    f = replace(f, certainty=PLURAL)  # "down my legs": both, or one told loosely?
                if f.slot == TRAUMA and f.certainty == MINOR and _near_serious_sign(f, doc, serious):
                    f = replace(f, certainty=PLAIN)  # "... came down flat on my back. Lay there a few minutes"
                if f.slot == TRAUMA and f.scope in PAST and not before_clearing:
                    kept.append(replace(f, value=False, certainty=PAST_EVENT))
                    continue
                if f.scope in PAST or (f.slot == TRAUMA and f.scope != CURRENT):
                    # an old sign, or a fall weeks back: is it this pain's? (a symptom told
                    # "in the last month" is still going on: it stays plain)
                    f = replace(f, certainty=PAST_EVENT)
                elif f.certainty == PLAIN and clause_of(f.start) in hedged_clauses:
                    f = replace(f, certainty=HEDGE)
                kept.append(f)
                continue
            if f.certainty == HEDGE:
                continue  # "not sure if it goes below the knee": the form asks
            if f.scope in PAST and f.slot not in (RECURRING_DESPITE_REST, NUMBER, PAIN_LOCATION) and not _is_cancer(f):
                if f.slot != PAIN_DURATION_DAYS or f.scope == EARLIER:
                    continue
            if f.slot == RECURRING_DESPITE_REST and f.value is True:
                if f.scope in PAST and not _COUNTS_EPISODES.search(f.text):
                    continue  # "on and off till my surgery in 2003": history, not this pain
                if story and _FREQUENCY_ONLY.search(f.text) and not self._pain_in_clause(doc, clause_of, f):
                    continue  # "every so often I do an early morning run"
            kept.append(f)
        # A span of years told as history ("an injury that goes back to 2000, nearly 15 yrs")
        # gives way to a duration of this episode.
        # (but "two months ago I hurt my back" is this episode's start: it stays)
        if any(f.slot == PAIN_DURATION_DAYS and f.scope not in PAST for f in kept):
            kept = [
                f for f in kept
                if not (f.slot == PAIN_DURATION_DAYS and f.scope == LONG_AGO and not _AGO.match(doc.text, f.end))
            ]
        # Where it hurt in an earlier episode counts only when nothing says where it hurts now.
        if any(f.slot == PAIN_LOCATION and f.scope not in PAST for f in kept):
            kept = [f for f in kept if not (f.slot == PAIN_LOCATION and f.scope in PAST)]
        return kept

    def _about_the_pain(self, sentences: List[Span], offset: int) -> bool:
        """The sentence of ``offset`` speaks of the pain (or, when it is a fragment such as
        "Until 10 days ago.", the sentence before it does)."""
        for i, sent in enumerate(sentences):
            if sent.start_char <= offset < sent.end_char:
                if any(self._pain_word(t) for t in sent):
                    return True
                onset = any(t.norm_ in _ONSET_VERBS for t in sent)  # "Woke up yesterday and could hardly walk"
                return (len(sent) <= 6 or onset) and i > 0 and any(self._pain_word(t) for t in sentences[i - 1])
        return True

    def _pain_word(self, tok, symptoms: bool = True) -> bool:
        """A word that speaks of the pain: "sore", "lower back", "my back" (not "drop back a week"),
        and with ``symptoms`` any symptom of the lexicon ("can't stand up straight")."""
        if tok.ent_type_ == PAIN_LOCATION or (symptoms and tok.ent_type_ and tok.ent_type_ not in (IGNORE, QUALIFIER, BODY_SITE)):
            return True
        if tok.norm_ == "back":
            return tok.i > 0 and tok.doc[tok.i - 1].norm_ in _BACK_OWNERS
        return tok.norm_ in self.pain_link

    def _pain_in_clause(self, doc: Doc, clause_of, f: Finding) -> bool:
        c, clause = clause_of(f.start), doc._.bs_clauses or [0] * len(doc)
        return any(self._pain_word(t) and not (f.start <= t.idx < f.end) for t in doc if clause[t.i] == c)

    def _about_another_part(self, doc: Doc, clause_of, f: Finding) -> bool:
        """The finding's clause names another part of the body and not the back (for a duration,
        the few words around it: "a pulled back since Tuesday, a rolled ankle from a few days ago")."""
        c, clause = clause_of(f.start), doc._.bs_clauses or [0] * len(doc)
        if f.slot == PAIN_DURATION_DAYS:
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            near = doc[max(0, span.start - 6) : span.end + 4] if span is not None else doc[0:0]
        else:
            near = doc
        words = {t.norm_ for t in near if clause[t.i] == c and not (f.start <= t.idx < f.end)}
        return bool(words & self.other_parts) and not words & _BACK_WORDS

    def read(self, text: str, now: datetime | None = None) -> List[Finding]:
        """Every fact stated in ``text``, sorted by position. Never raises on a string."""
        if not isinstance(text, str) or not text.strip():
            return []
        try:
            return self._read(text, now or datetime.now())
        except Exception:  # pragma: no cover - a reader bug must not take the bot down
            import logging

            logging.getLogger(__name__).exception("SymptomReader failed on a message of %d chars", len(text))
            return []

    def _read(self, text: str, now: datetime) -> List[Finding]:
        clean, offsets = clean_text(text)
        doc = self.nlp(clean)
        interpreter = _Interpreter(doc, clean, self.cues, self.rapid, self.chest_words, self.locations)
        findings = interpreter.run()
        where = self._scopes(doc, clean, now)

        # characters already used by a finding: a number inside them is not a bare number
        taken = bytearray(len(clean) + 1)
        for ent in doc.ents:
            if ent.label_ not in (IGNORE, BODY_SITE, QUALIFIER):
                taken[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
        for d in find_durations(clean, now):
            taken[d.start : d.end] = b"\x01" * (d.end - d.start)
            findings.append(Finding(PAIN_DURATION_DAYS, float(d.days), d.start, d.end, d.text))
        for start, end, value in _severities(clean):
            if all(taken[start:end]):
                continue
            findings.append(Finding(PAIN_SEVERITY, value, start, end, clean[start:end]))
            taken[start:end] = b"\x01" * (end - start)
        for m in _SCALE_BOUNDS.finditer(clean):
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        for m in _NUMBER_RANGE_RE.finditer(clean):
            start, end = m.span("num")[0], m.span("num2")[1]
            values = [number_value(m.group("num")), number_value(m.group("num2"))]
            if any(taken[start:end]) or None in values or values[0] >= values[1]:  # type: ignore[operator]
                continue
            findings.append(Finding(NUMBER, float(values[1]), start, end, clean[start:end]))  # type: ignore[arg-type]
            taken[start:end] = b"\x01" * (end - start)
        for m in _NUMBER_RE.finditer(clean):
            start, end = m.span("num")
            if any(taken[start:end]):
                continue
            word = m.group("num").lower()
            if re.fullmatch(r"(?:19|20)\d\d", word) or _NUMBER_LABEL_BEFORE.search(clean[max(0, start - 12) : start]):
                continue  # a year, or "mile 8", "week 3", "day 2": a label, not an answer
            if word == "one" and (_ONE_BLOCKERS.search(clean[:start]) or re.match(r"\s+[a-z]", clean[end:], re.I)):
                continue
            value = number_value(word)
            if value is not None:
                findings.append(Finding(NUMBER, float(value), start, end, clean[start:end]))
        findings = self._in_time_and_certainty(findings, doc, where)
        if offsets is not None:
            findings = [_map_back(f, text, offsets) for f in findings]
        unique = {(f.slot, repr(f.value), f.start, f.end): f for f in findings}
        return sorted(unique.values(), key=lambda f: (f.start, f.end, f.slot))


def _map_back(f: Finding, text: str, offsets: List[int]) -> Finding:
    start = offsets[f.start]
    end = offsets[f.end - 1] + 1 if f.end > f.start else start
    return replace(f, start=start, end=end, text=text[start:end])


def _severities(text: str) -> List[Tuple[int, int, float]]:
    found: List[Tuple[int, int, float]] = []
    used = bytearray(len(text) + 1)
    for pattern in _SEVERITY_PATTERNS:
        for m in pattern.finditer(text):
            value = _score_value(m)
            if value is None:
                continue
            has_scale = bool(m.groupdict().get("scale"))
            start = m.start("score") if not has_scale else m.start()
            end = m.end() if has_scale else (m.end("score2") if m.group("score2") else m.end("score"))
            if any(used[start:end]):
                continue
            used[start:end] = b"\x01" * (end - start)
            found.append((start, end, value))
    return found


_PLURAL_LEGS = re.compile(r"\b(?:legs|feet|thighs|calves|calfs|shins|ankles|knees|hamstrings)\b", re.I)
_BOTH_SIDES = re.compile(r"\b(?:both|each|either|left\s+and\s+right|right\s+and\s+left|two)\b", re.I)
_CANCER = re.compile(r"cancer|tumou?r|chemo|lymphoma|leuk(?:a)?emia|myeloma|melanoma|sarcoma|metasta|oncolog|radiotherapy", re.I)


def is_emergency_level(finding: Finding) -> bool:
    """True for a positive emergency-level finding, plain or to be confirmed."""
    want = EMERGENCY_VALUES.get(finding.slot)
    return want is not None and finding.value == want and type(finding.value) is type(want)


#: The pain told as gone: "that one cleared up", "by early July that was gone", "it was FINE".
_CLEARED = re.compile(
    r"\b(?:cleared(?:\s+up)?|went\s+away|(?:was|were|had|'d)\s+(?:\w+\s+)?gone|settled(?:\s+down)?|healed(?:\s+up)?|"
    r"resolved|disappeared|(?:was|were|got|felt|been)\s+back\s+to\s+normal|pain[-\s]free|(?:it|back|that)\s+(?:was|felt)\s+(?:totally\s+|completely\s+|just\s+)?fine)\b"
    r"(?!\s+(?:now|yet|today|at\s+the\s+moment))",
    re.I,
)


#: "... and was fine the last few weeks": the time right after a clearing is pain-free time.
_TIME_RIGHT_AFTER = re.compile(
    r"[\s,]*(?:(?:for|over|during|in)\s+)?(?:the\s+)?(?:last|past)\s+(?:few|couple\s+of|\d+|\w+)\s+(?:days|weeks|months)\b"
    r"|[\s,]*for\s+(?:about\s+|around\s+)?(?:a\s+few|a\s+couple\s+of|\d+|\w+)\s+(?:days|weeks|months)\b(?!\s+(?:ago|back|later))",
    re.I,
)
#: Verbs that tell when something began: a sentence with one may take its pain from the one before.
_ONSET_VERBS = frozenset({"woke", "wake", "started", "began", "begun", "happened", "kicked", "threw"})
#: Possessives that make a leg someone else's.
_OTHERS_OWN = frozenset({"her", "his", "their", "hers"})
#: Words before "back" that make it the runner's back ("my back", "lower back").
_BACK_OWNERS = frozenset({"my", "the", "his", "her", "lower", "low", "upper", "mid", "middle", "bad", "sore", "stiff", "whole", "your"})
#: Verbs after a site that make it the subject, not where the pain goes: "my left foot slipped".
_SITE_ACTION_VERBS = frozenset({"slipped", "slid", "caught", "hit", "landed", "twisted", "rolled", "gave", "went", "got", "kicked", "stepped"})
#: Words that join a list of places the pain goes to.
_LIST_WORDS = frozenset({"and", "then", "&", "or", "plus"})
#: A day named in a story is usually when the pain began: it needs no pain word beside it.
_CALENDAR_DAY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day|\byesterday\b|\b(?:new\s+year|christmas|xmas)", re.I
)
#: Facts a runner may say of any part of the body; only the back's count.
_ELSEWHERE_FACTS = frozenset({RECURRING_DESPITE_REST, WORSE_WITH_REST, WORSE_DURING_RUN})
_BACK_WORDS = frozenset({"back", "spine", "hip", "hips", "glute", "glutes", "bum", "butt", "buttock", "sciatica", "lumbar", "si", "sacroiliac", "tailbone", "coccyx"})
_COUNTS_EPISODES = re.compile(r"\b(?:time|times|again|back|returns?|returned|recurr\w*|every)\b", re.I)
_FREQUENCY_ONLY = re.compile(r"every\s+so\s+often|every\s+now\s+and\s+then|now\s+and\s+again|from\s+time\s+to\s+time|on\s+and\s+off|off\s+and\s+on", re.I)
_AGO = re.compile(r"\s*(?:ago|back)\b", re.I)
#: A year or "years ago" before a clearing in its sentence: the clearing is an old episode's.
_OLD_TIME = re.compile(r"\b(?:19|20)\d\d\b|\byears?\s+(?:ago|back)\b", re.I)



#: What went away must be the pain ("that one cleared up"), not "my breathing settled".
_CLEARED_SUBJECT = re.compile(
    r"\b(?:it|that|this|one|thing|pain|ache|back|everything|all|which|they|symptoms?|injury|niggle|spasms?|sciatica|stiffness|soreness|hip|glute)\b"
    r"(?:\s+\S+){0,3}\s*$", re.I
)
_PAIN_FREE = re.compile(r"pain|fine|normal", re.I)
#: "never really went away", "hope it settles": not an account of the pain going away.
_NOT_CLEARED = re.compile(r"\b(?:never|not|n't|no|nt|once|if|until|till|when|hope|hoping|hopefully|wait\s+for)\s+(?:\w+\s+){0,2}$", re.I)


def _near_serious_sign(f: Finding, doc: Doc, serious: List[Span]) -> bool:
    """A sign of a serious fall in the fall's sentence or the next two."""
    if not serious:
        return False
    sent = next((s for s in doc.sents if s.start_char <= f.start < s.end_char), None)
    if sent is None:
        return False
    return any(sent.start <= s.start and s.start_char - sent.end_char < 400 for s in serious)


def _is_cancer(finding: Finding) -> bool:
    return finding.slot == SYSTEMIC_SIGNS and finding.value is True and bool(_CANCER.search(finding.text))


def resolve(findings: Iterable[Finding]) -> Dict[str, Finding]:
    """One deciding finding per slot, merged the way the dialogue merges them.

    The policy lives in :func:`backstride.answers.merge_values`: a positive
    boolean beats a negative one ("no pins and needles but I do have
    numbness" -> True), radiation takes its most serious value, location the
    most clinically weighty one, durations, scores and numbers their largest.
    """
    by_slot: Dict[str, List[Finding]] = {}
    for finding in findings:
        by_slot.setdefault(finding.slot, []).append(finding)
    best: Dict[str, Finding] = {}
    for slot, group in by_slot.items():
        value = merge_values(slot, [f.value for f in group])
        best[slot] = next(f for f in group if f.value == value and type(f.value) is type(value))
    return best

