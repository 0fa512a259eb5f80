"""Time a full NLU parse with the trained model (prints figures, asserts nothing).

    .venv/bin/python scripts/bench_parse.py [--model models/backstride.tar.gz] [--count 300]

Loads the model once (the load time is printed too), then parses the held-out
NLU messages through the whole pipeline: tokenizer, featurizers, DIET, the
response selector, the fallback classifier and the symptom extractor.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from rasa.core.agent import load_agent
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[1]


async def bench(model: str, count: int) -> None:
    started = time.perf_counter()
    agent = await load_agent(model_path=model)
    print(f"model load: {time.perf_counter() - started:.1f} s")
    messages = [m.get("text") for m in load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples]
    messages = (messages * (count // len(messages) + 1))[:count]
    for text in messages[:20]:  # warm-up
        await agent.parse_message(text)
    timings = []
    for text in messages:
        t0 = time.perf_counter()
        await agent.parse_message(text)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    print(f"full parse: {len(timings)} messages, mean {statistics.mean(timings):.1f} ms, "
          f"median {statistics.median(timings):.1f} ms, p95 {timings[int(0.95 * len(timings)) - 1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(ROOT / "models/backstride.tar.gz"))
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(bench(args.model, args.count))


if __name__ == "__main__":
    main()
