"""Conversations that outlive the app: every question with its whole result object (answer,
citations, sentence support), and the user's rating of it, in SQLite under the data directory.

One database file, `<data dir>/conversations.sqlite3`; every call opens its own connection
(Gradio answers in several threads). Conversations belong to a user name ("" without
authentication): a user sees, renames, deletes and exports only their own.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .errors import AssistantError
from .results import AnswerResult, Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    result TEXT NOT NULL,        -- AnswerResult.to_dict() as JSON
    created TEXT NOT NULL,
    rating INTEGER,              -- 1 thumbs up, -1 thumbs down, NULL not rated
    comment TEXT,
    rated TEXT,
    PRIMARY KEY (conversation, n)
);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user, updated);
"""
TITLE_CHARS = 80


@dataclass
class Conversation:
    id: str
    title: str
    updated: str


@dataclass
class Rating:
    conversation: str
    n: int
    question: str
    result: dict
    rating: int
    comment: str | None
    user: str


@lru_cache(maxsize=1)
def _result_adapter():
    from pydantic import TypeAdapter

    return TypeAdapter(AnswerResult)


def result_from_dict(data: dict) -> AnswerResult:
    """The result object back from its JSON form (nested citations, sentences, passages)."""
    return _result_adapter().validate_python(data)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ConversationStore:
    def __init__(self, path: Path):
        self.path = path
        self._schema_ready = False  # created on first use: a damaged file must not stop the app from starting

    @contextmanager
    def _db(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                if not self._schema_ready:
                    db.executescript(SCHEMA)
                    self._schema_ready = True
                with db:  # one transaction: committed on success, rolled back on error
                    yield db
        except sqlite3.DatabaseError as exc:
            raise AssistantError(f"The conversation store {self.path} cannot be used: {exc}") from exc

    def start(self, user: str, first_question: str) -> str:
        """A new conversation titled by its first question; returns its id."""
        conversation = uuid.uuid4().hex[:16]
        title = " ".join(first_question.split())
        title = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + " …"
        with self._db() as db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)", (conversation, user, title or "…", _now(), _now()))
        return conversation

    def append(self, conversation: str, user: str, question: str, result: AnswerResult) -> int:
        """Store one answered question; returns its number in the conversation (from 0)."""
        with self._db() as db:
            self._owned(db, conversation, user)
            n = db.execute("SELECT COUNT(*) FROM turns WHERE conversation = ?", (conversation,)).fetchone()[0]
            db.execute("INSERT INTO turns (conversation, n, question, result, created) VALUES (?, ?, ?, ?, ?)",
                       (conversation, n, question, json.dumps(result.to_dict(), ensure_ascii=False), _now()))
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (_now(), conversation))
        return n

    def list(self, user: str) -> list[Conversation]:
        """The user's conversations, newest (last asked in) first."""
        with self._db() as db:
            rows = db.execute("SELECT id, title, updated FROM conversations WHERE user = ? ORDER BY updated DESC, rowid DESC",
                              (user,)).fetchall()
        return [Conversation(*row) for row in rows]

    def turns(self, conversation: str, user: str) -> list[Turn]:
        with self._db() as db:
            self._owned(db, conversation, user)
            rows = db.execute("SELECT question, result FROM turns WHERE conversation = ? ORDER BY n", (conversation,)).fetchall()
        return [Turn(question, result_from_dict(json.loads(result))) for question, result in rows]

    def ratings_of(self, conversation: str, user: str) -> list[int | None]:
        """The rating of each answer in order (1, -1 or None)."""
        with self._db() as db:
            self._owned(db, conversation, user)
            return [r for (r,) in db.execute("SELECT rating FROM turns WHERE conversation = ? ORDER BY n", (conversation,))]

    def title(self, conversation: str, user: str) -> str:
        with self._db() as db:
            return self._owned(db, conversation, user)

    def rename(self, conversation: str, user: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise AssistantError("A conversation needs a title.")
        with self._db() as db:
            self._owned(db, conversation, user)
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title[:200], conversation))

    def delete(self, conversation: str, user: str) -> None:
        with self._db() as db:
            self._owned(db, conversation, user)
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation,))

    def rate(self, conversation: str, user: str, n: int, rating: int | None) -> None:
        """Thumbs up (1), down (-1) or none (None) on answer `n` (its comment stays)."""
        with self._db() as db:
            self._owned(db, conversation, user)
            found = db.execute("UPDATE turns SET rating = ?, rated = ? WHERE conversation = ? AND n = ?",
                               (rating, _now(), conversation, n)).rowcount
            if not found:
                raise AssistantError(f"Conversation {conversation} has no answer number {n}.")

    def comment(self, conversation: str, user: str, n: int, comment: str) -> None:
        with self._db() as db:
            self._owned(db, conversation, user)
            db.execute("UPDATE turns SET comment = ?, rated = ? WHERE conversation = ? AND n = ?",
                       (comment.strip() or None, _now(), conversation, n))

    def ratings(self) -> list[Rating]:
        """Every rated answer, of all users, oldest first (what `assistant feedback export` reads)."""
        with self._db() as db:
            rows = db.execute("SELECT t.conversation, t.n, t.question, t.result, t.rating, t.comment, c.user FROM turns t "
                              "JOIN conversations c ON c.id = t.conversation WHERE t.rating IS NOT NULL ORDER BY t.rated, t.rowid").fetchall()
        return [Rating(conv, n, question, json.loads(result), rating, comment, user)
                for conv, n, question, result, rating, comment, user in rows]

    def rating_counts(self) -> dict[str, int]:
        with self._db() as db:
            up, down, commented = db.execute(
                "SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = -1), 0), "
                "COALESCE(SUM(rating IS NOT NULL AND comment IS NOT NULL), 0) FROM turns").fetchone()
        return {"up": up, "down": down, "commented": commented}

    def markdown(self, conversation: str, user: str) -> str:
        """The conversation as Markdown: each question, the answer, and its sources with quotes."""
        title = self.title(conversation, user)
        parts = [f"# {title}"]
        for i, turn in enumerate(self.turns(conversation, user), start=1):
            result = turn.result
            german = result.language == "de"
            parts.append(f"## {'Frage' if german else 'Question'} {i}: {turn.question}")
            parts.append(result.answer)
            if result.citations:
                lines = [f"**{'Quellen' if german else 'Sources'}:**", ""]
                for c in result.citations:
                    where = ", ".join(filter(None, [c.doc_id, c.page_label(result.language)]))
                    quote = " ".join(c.quote.split())
                    lines.append(f"- [{c.n}] {c.title} ({where}): „{quote}“")
                parts.append("\n".join(lines))
            parts.append(f"_{result.backend} · {result.model}_")
        return "\n\n".join(parts) + "\n"

    @staticmethod
    def _owned(db, conversation: str, user: str) -> str:
        """The conversation's title, if it exists and belongs to `user`; a clear error otherwise."""
        row = db.execute("SELECT title, user FROM conversations WHERE id = ?", (conversation,)).fetchone()
        if row is None or row[1] != user:  # another user's conversation is "not found", not "forbidden"
            raise AssistantError(f"No conversation {conversation!r}.")
        return row[0]


def export_name(title: str) -> str:
    """A file name for a conversation's Markdown export."""
    return (re.sub(r"[^\w-]+", "-", title).strip("-")[:60] or "gespraech") + ".md"
