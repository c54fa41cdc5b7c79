"""The server's cache of prompt starts (assistant/llm/prefix_cache.py), on llama-cpp-python's own state type."""

import numpy as np
import pytest

pytest.importorskip("llama_cpp")

from llama_cpp.llama import LlamaState  # noqa: E402

from assistant.llm.prefix_cache import PrefixStateCache  # noqa: E402


def state(tokens: list[int]) -> LlamaState:
    return LlamaState(np.array(tokens), np.ones((len(tokens), 8), dtype=np.single), len(tokens), b"kv", 2, 0)


def test_one_state_per_prompt_start_the_newest_kept():
    cache = PrefixStateCache(slots=2, min_shared=3)
    german, english = [1, 2, 3, 4], [9, 8, 7, 6]
    cache[german + [10, 11]] = state(german + [10, 11])
    cache[english + [12]] = state(english + [12])
    cache[german + [20]] = state(german + [20])  # replaces the older German state, keeps the English one
    assert len(cache.states) == 2
    assert list(cache[german + [30]].input_ids) == german + [20]
    assert list(cache[english + [31]].input_ids) == english + [12]
    with pytest.raises(KeyError):
        cache[[1, 2, 5, 6]]  # two shared tokens: not the same start


def test_a_saved_state_keeps_one_row_of_scores_and_the_oldest_start_goes_first():
    cache = PrefixStateCache(slots=2, min_shared=2)
    for start in ([1, 1], [2, 2], [3, 3]):
        cache[start + [0]] = state(start + [0])
    assert [k[:2] for k in cache.states] == [(2, 2), (3, 3)]
    assert all(s.scores.shape == (1, 8) for s in cache.states.values())  # Llama.load_state broadcasts it
