"""The question files (eval/questions.jsonl, eval/questions-test.jsonl): one loader for the eval,
the calibration, the retrieval comparison and the bench."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AssistantError

REQUIRED = {"id", "lang", "question", "answerable", "gold_docs", "facts"}


def load_questions(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError(f"Cannot read the question file {path}: {exc}") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssistantError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        missing = REQUIRED - set(item)
        if missing:
            raise AssistantError(f"{path}:{number}: missing field(s) {', '.join(sorted(missing))}")
        questions.append(item)
    if not questions:
        raise AssistantError(f"{path} holds no questions.")
    return questions
