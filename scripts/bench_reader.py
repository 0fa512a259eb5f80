"""Time the symptom reader: mean / p95 milliseconds per message (prints figures, asserts nothing).

    .venv/bin/python scripts/bench_reader.py [--repeat 3]

The messages are the labelled phrases (tests/nlu/phrases.yml) plus generated
combinations of them, so short answers and long multi-symptom messages both count;
then the openers of the real runners' stories (tests/vignettes/real), long posts
of up to 1,500 characters among them, are timed on their own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstride.nlu.reader import SymptomReader  # noqa: E402

EXTRA = [
    "hi",
    "yes",
    "no",
    "not sure",
    "7",
    "about four days",
    "thanks, that's helpful",
    "is running bad for my back?",
    "how fast should I build my mileage back up",
    "my lower back has been tight since my long run on Sunday, about 4/10, no numbness or tingling, "
    "it doesn't go down my legs and I feel fine otherwise, but it does get worse the longer I run",
]


def messages(count: int, seed: int = 7) -> list[str]:
    phrases = [p["text"] for p in yaml.safe_load((ROOT / "tests" / "nlu" / "phrases.yml").read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    out = phrases + EXTRA
    while len(out) < count:
        k = rng.choice((2, 3, 4))
        out.append(". ".join(rng.sample(phrases, k)))
    return out[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=600, help="messages per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the first also warms caches)")
    parser.add_argument("--real", type=Path, default=ROOT / "tests" / "vignettes" / "real",
                        help="folder of real stories whose openers are timed too")
    args = parser.parse_args()

    started = time.perf_counter()
    reader = SymptomReader()
    load_ms = (time.perf_counter() - started) * 1000

    texts = messages(args.count)
    now = datetime(2024, 6, 10, 12)
    timings: list[float] = []
    findings = 0
    cpu_started = time.process_time()
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            findings += len(reader.read(text, now=now))
            timings.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(timings)
    timings.sort()
    chars = statistics.mean(len(t) for t in texts)
    print(f"load: {load_ms:.0f} ms")
    print(f"messages: {len(texts)} x {args.repeat} rounds, mean {chars:.0f} chars, {findings / args.repeat:.0f} findings a round")
    print(f"mean: {statistics.mean(timings):.3f} ms  median: {timings[len(timings) // 2]:.3f} ms  (CPU time: {cpu_ms:.3f} ms a message)")
    print(f"p95: {timings[int(len(timings) * 0.95)]:.3f} ms  p99: {timings[int(len(timings) * 0.99)]:.3f} ms  max: {timings[-1]:.3f} ms")
    stories(reader, args.real, args.repeat, now)


def stories(reader: SymptomReader, folder: Path, repeat: int, now: datetime) -> None:
    """The real runners' openers: all of them, and the long posts (1,000 characters or more)."""
    openers = [
        v["opener"]
        for path in sorted(folder.glob("*/*.yml"))
        for v in (yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    ]
    if not openers:
        return
    for name, texts in (("real stories", openers), ("long posts (>= 1,000 chars)", [t for t in openers if len(t) >= 1000])):
        if not texts:
            continue
        timings = []
        for _ in range(repeat):
            for text in texts:
                t0 = time.perf_counter()
                reader.read(text, now=now)
                timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        chars = statistics.mean(len(t) for t in texts)
        print(f"{name}: {len(texts)} x {repeat}, mean {chars:.0f} chars (max {max(map(len, texts))}): "
              f"mean {statistics.mean(timings):.3f} ms  p95 {timings[int(len(timings) * 0.95)]:.3f} ms  max {timings[-1]:.3f} ms")


if __name__ == "__main__":
    main()
