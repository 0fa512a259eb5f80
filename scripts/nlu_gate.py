"""Fail when the held-out NLU figures fall below the gate.

Reads the reports `rasa test nlu --out DIR` writes and prints intent, entity
and FAQ-answer (response selection) F1, weighted averages, beside their gates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

INTENT_F1_MIN = 0.90
ENTITY_F1_MIN = 0.85
RESPONSE_F1_MIN = 0.85
ENTITY_REPORT = "SymptomEntityExtractor_report.json"


def weighted_f1(report_file: Path) -> float:
    report = json.loads(report_file.read_text())
    return float(report["weighted avg"]["f1-score"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path, help="the --out folder of `rasa test nlu`")
    parser.add_argument("--intent-min", type=float, default=INTENT_F1_MIN)
    parser.add_argument("--entity-min", type=float, default=ENTITY_F1_MIN)
    parser.add_argument("--response-min", type=float, default=RESPONSE_F1_MIN)
    args = parser.parse_args()

    checks = [
        ("intent F1", args.results / "intent_report.json", args.intent_min),
        ("entity F1", args.results / ENTITY_REPORT, args.entity_min),
        ("FAQ answer F1", args.results / "response_selection_report.json", args.response_min),
    ]
    failed = False
    for name, path, minimum in checks:
        if not path.exists():
            print(f"{name}: no report at {path}", file=sys.stderr)
            failed = True
            continue
        score = weighted_f1(path)
        verdict = "ok" if score >= minimum else "BELOW GATE"
        failed |= score < minimum
        print(f"{name}: {score:.3f} (gate {minimum:.2f}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
