"""The question files (eval/questions.jsonl, eval/questions-test.jsonl): one loader for the eval,
the calibration, the retrieval comparison and the bench."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AssistantError

REQUIRED = {"id", "lang", "question", "answerable", "gold_docs", "facts"}


def json_lines(path: Path, kind: str):
    """(line number, object) of a JSONL file, blank lines skipped; a clear error naming the file
    and line for an unreadable file or a line that is not a JSON object. `kind`: "question", "answers"."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError(f"Cannot read the {kind} file {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssistantError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict):
            raise AssistantError(f"{path}:{number}: not a JSON object")
        yield number, item


def load_questions(path: Path) -> list[dict]:
    questions = []
    for number, item in json_lines(path, "question"):
        missing = REQUIRED - set(item)
        if missing:
            raise AssistantError(f"{path}:{number}: missing field(s) {', '.join(sorted(missing))}")
        questions.append(item)
    if not questions:
        raise AssistantError(f"{path} holds no questions.")
    return questions
