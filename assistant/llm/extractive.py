"""No LLM: the answer is built from retrieved sentences (see extractive_answer in chain.py)."""

from ..config import Settings
from . import Backend


def create(settings: Settings) -> Backend:
    return Backend("extractive", "quotes from the articles (no LLM)")
