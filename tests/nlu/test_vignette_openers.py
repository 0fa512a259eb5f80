"""Every dev-vignette opener yields the slots it states, with values that agree with its facts.

The vignettes live in ``tests/vignettes/dev.yml`` and are always there; a
missing file is a broken checkout, so the test fails loudly.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from backstride.contract import BOOL_FACTS, CHEST_PAIN, PAIN_DURATION_DAYS, PAIN_LOCATION, PAIN_RADIATION, PAIN_SEVERITY
from backstride.nlu.reader import SymptomReader, resolve

ROOT = Path(__file__).resolve().parents[2]
DEV_VIGNETTES = ROOT / "tests" / "vignettes" / "dev.yml"
#: What a fact left out of a vignette means (header of dev.yml).
DEFAULTS: Dict[str, Any] = {
    **{slot: False for slot in BOOL_FACTS},
    CHEST_PAIN: False,
    PAIN_LOCATION: "lower_back",
    PAIN_DURATION_DAYS: 1.0,
    PAIN_RADIATION: "none",
    PAIN_SEVERITY: 4.0,
}
#: A Monday: "since Saturday's half marathon" is 2 days, as the vignette says.
NOW = datetime(2024, 6, 10, 12, 0)


def _load() -> List[Dict[str, Any]]:
    if not DEV_VIGNETTES.exists():
        pytest.fail(f"dev vignettes missing: expected {DEV_VIGNETTES}")
    return yaml.safe_load(DEV_VIGNETTES.read_text(encoding="utf-8"))


def _vignettes() -> List[Any]:
    if not DEV_VIGNETTES.exists():
        return [pytest.param(None, id="dev.yml-missing")]
    return [pytest.param(v, id=v["id"]) for v in _load()]


def agrees(slot: str, got: Any, want: Any) -> bool:
    if slot == PAIN_DURATION_DAYS:
        return abs(float(got) - float(want)) <= max(0.15, 0.25 * float(want))
    if slot == PAIN_SEVERITY:
        return abs(float(got) - float(want)) <= 1.0
    return got == want


@pytest.fixture(scope="module")
def reader() -> SymptomReader:
    return SymptomReader()


def test_the_dev_vignettes_are_there():
    vignettes = _load()
    assert len(vignettes) >= 30
    assert all("opener" in v and "stated" in v for v in vignettes)


@pytest.mark.parametrize("vignette", _vignettes())
def test_opener_yields_its_stated_slots(reader: SymptomReader, vignette: Dict[str, Any]):
    if vignette is None:
        pytest.fail(f"dev vignettes missing: {DEV_VIGNETTES}")
    facts = {**DEFAULTS, **vignette["facts"]}
    found = {slot: f.value for slot, f in resolve(reader.read(vignette["opener"], now=NOW)).items()}
    for slot in vignette["stated"]:
        assert slot in found, f"{vignette['id']}: {slot} not read from {vignette['opener']!r} (found {found})"
    for slot, value in found.items():
        if slot in facts:
            assert agrees(slot, value, facts[slot]), (
                f"{vignette['id']}: read {slot}={value!r} but the runner's fact is {facts[slot]!r} "
                f"in {vignette['opener']!r}"
            )
