#!/usr/bin/env python3
"""Write the credentials file Rasa runs with: credentials.yml, plus Slack and
Telegram when their variables are set.

    scripts/credentials.py [--base credentials.yml] [--out var/credentials.yml]

prints the path it wrote. No secret is written anywhere: the added sections
hold ``${VARIABLE}`` references, which Rasa expands from its environment when
it reads the file (as it does for endpoints.yml), so the Rasa process needs the
same variables. A channel whose required variables are only partly set is left
out with a warning, so a plain ``make run`` always starts. See docs/channels.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

#: channel class -> (required variables, optional variables), each as key -> variable.
CHANNELS = {
    "channels.slack.BackstrideSlackInput": (
        {"slack_token": "SLACK_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        {"api_url": "SLACK_API_URL", "slack_channel": "SLACK_CHANNEL"},
    ),
    "channels.telegram.BackstrideTelegramInput": (
        {"access_token": "TELEGRAM_TOKEN", "secret_token": "TELEGRAM_SECRET_TOKEN"},
        {"webhook_url": "TELEGRAM_WEBHOOK_URL", "api_url": "TELEGRAM_API_URL"},
    ),
}

TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


def _problem(channel: str, required: dict[str, str]) -> str | None:
    """Why ``channel`` cannot be enabled although some of its variables are set."""
    missing = [var for var in required.values() if not _set(var)]
    if missing:
        return f"{channel} left out: {', '.join(missing)} not set"
    if "TELEGRAM_SECRET_TOKEN" in required.values() and not TELEGRAM_SECRET.fullmatch(
        os.environ["TELEGRAM_SECRET_TOKEN"]
    ):
        return f"{channel} left out: TELEGRAM_SECRET_TOKEN must be 1-256 of A-Z a-z 0-9 _ -"
    return None


def section(channel: str, required: dict[str, str], optional: dict[str, str]) -> str:
    keys = dict(required)
    keys.update({key: var for key, var in optional.items() if _set(var)})
    lines = [f"{channel}:"] + [f"  {key}: ${{{var}}}" for key, var in keys.items()]
    return "\n".join(lines) + "\n"


def effective_credentials(base_text: str) -> tuple[str, list[str], list[str]]:
    """The file's text, the channels added, and warnings."""
    base = yaml.safe_load(base_text) or {}
    text = base_text if base_text.endswith("\n") or not base_text else base_text + "\n"
    added, warnings = [], []
    for channel, (required, optional) in CHANNELS.items():
        if not any(_set(var) for var in required.values()):
            continue
        if channel in base:
            warnings.append(f"{channel} is already in the base file; left as it is")
            continue
        problem = _problem(channel, required)
        if problem:
            warnings.append(problem)
            continue
        text += "\n# Added by scripts/credentials.py; Rasa reads the values from the environment.\n"
        text += section(channel, required, optional)
        added.append(channel)
    return text, added, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, default=ROOT / "credentials.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "credentials.yml")
    args = parser.parse_args(argv)

    text, added, warnings = effective_credentials(args.base.read_text(encoding="utf-8"))
    for warning in warnings:
        print(f"credentials: {warning}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(args.out)
    names = ", ".join(name.rsplit(".", 1)[-1] for name in added) or "none"
    print(f"credentials: extra channels: {names}", file=sys.stderr)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
