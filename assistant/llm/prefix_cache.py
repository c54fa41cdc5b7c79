"""The local model server's cache of prompt prefixes: the last state of each distinct prompt start.

llama-cpp-python reuses the KV cache of the longest token prefix a prompt shares with the previous
prompt only. The German and English answer prompts start with different system prompts (one shared
prompt for both cost German answers: 20 -> 11 of 30 kept on d29+d30), so every switch of language
prefilled the other language's ~200-token prefix again: 2-3 s on 2 cores, where the log says
"3 prefix-match hit". With this cache set on the server's Llama, `Llama._create_completion` loads
the saved state sharing the longest prefix with a new prompt when that is longer than what its KV
cache holds, and saves the state after each answer.

Why not llama-cpp-python's LlamaRAMCache: it keeps every answer's state until their KV bytes reach
its capacity, and with prompt-lookup decoding (logits_all) each state also holds n_tokens x vocabulary
float scores (365 MB for 600 tokens of Qwen2.5) that its capacity does not count: a 2 GB cache grows
to tens of GB. Here one state is kept per prompt start (a new state replaces the one sharing its
first MIN_SHARED tokens), at most SLOTS of them, each with only the last row of scores: after a
prefix is loaded the model evaluates the rest of the prompt and samples from those new positions
(`Llama.load_state` broadcasts the one row over the prefix).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from llama_cpp.llama import Llama
from llama_cpp.llama_cache import BaseLlamaCache

SLOTS = 4  # prompt starts kept: the German and English answer prompts, and room for others (condensing)
MIN_SHARED = 32  # tokens two prompts must share to count as the same start (a system prompt is 200+)


class PrefixStateCache(BaseLlamaCache):
    def __init__(self, slots: int = SLOTS, min_shared: int = MIN_SHARED):
        super().__init__(capacity_bytes=0)
        self.slots, self.min_shared = slots, min_shared
        self.states: OrderedDict[tuple[int, ...], object] = OrderedDict()

    @property
    def cache_size(self) -> int:
        return sum(state.llama_state_size for state in self.states.values())

    def _find_longest_prefix_key(self, key: tuple[int, ...]) -> tuple[int, ...] | None:
        best = max(self.states, key=lambda k: Llama.longest_token_prefix(k, key), default=None)
        return best if best is not None and Llama.longest_token_prefix(best, key) >= self.min_shared else None

    def __getitem__(self, key: Sequence[int]):
        found = self._find_longest_prefix_key(tuple(key))
        if found is None:
            raise KeyError("no saved prompt shares its start")
        self.states.move_to_end(found)
        return self.states[found]

    def __contains__(self, key: Sequence[int]) -> bool:
        return self._find_longest_prefix_key(tuple(key)) is not None

    def __setitem__(self, key: Sequence[int], value) -> None:
        key = tuple(key)
        same_start = self._find_longest_prefix_key(key)
        if same_start is not None:
            del self.states[same_start]
        value.scores = value.scores[-1:].copy()  # the row the next token was sampled from; the rest is never read
        self.states[key] = value
        while len(self.states) > self.slots:
            self.states.popitem(last=False)


def lean_save_state(llama):
    """Llama.save_state without a copy of every position's scores: with logits_all that is n_tokens x
    vocabulary floats (273 MB for 450 tokens), and its fresh pages took 1.7 s to copy on this machine,
    after every answer; the last row is all a loaded state needs (see above)."""
    import ctypes

    import llama_cpp
    from llama_cpp.llama import LlamaState

    size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    n_bytes = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
    if n_bytes > int(size):
        raise RuntimeError("Failed to copy llama state data")
    return LlamaState(input_ids=llama.input_ids.copy(), scores=llama._scores[-1:].copy(), n_tokens=llama.n_tokens,
                      llama_state=ctypes.string_at(buffer, n_bytes), llama_state_size=n_bytes, seed=llama._seed)


def install() -> None:
    """Give every model llama_cpp.server loads in this process a PrefixStateCache (and the lean state
    saving it needs)."""
    import types

    from llama_cpp.server.model import LlamaProxy

    load = LlamaProxy.load_llama_from_model_settings

    def load_with_prefix_cache(settings):
        llama = load(settings)
        llama.save_state = types.MethodType(lean_save_state, llama)
        llama.set_cache(PrefixStateCache())
        return llama

    LlamaProxy.load_llama_from_model_settings = staticmethod(load_with_prefix_cache)
