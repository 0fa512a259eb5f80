"""Print messages with the entities our reader finds, in Rasa's annotation syntax.

A helper for writing test stories and NLU test data that agree with what the
Rasa component emits: `python scripts/annotate.py "my lower back hurts for 4 days"`.
Review what it prints before you paste it: it shows what the reader reads,
not what the runner meant.
"""

from __future__ import annotations

import json
import sys

from backstride.nlu.component import without_nested
from backstride.nlu.reader import SymptomReader


def annotate(reader: SymptomReader, text: str) -> str:
    out, cursor = [], 0
    for finding in without_nested(reader.read(text)):
        if finding.start < cursor:
            continue
        value = json.dumps({"entity": finding.slot, "value": str(finding.value)})
        out += [text[cursor:finding.start], f"[{text[finding.start:finding.end]}]{value}"]
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)


def main() -> None:
    reader = SymptomReader()
    lines = sys.argv[1:] or [line.rstrip("\n") for line in sys.stdin]
    for line in lines:
        print(annotate(reader, line))


if __name__ == "__main__":
    main()
