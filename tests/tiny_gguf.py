"""Write a tiny random-weight llama GGUF (about 0.2 MB) with the `gguf` package.

It loads in llama-cpp-python and in `python -m assistant.llm.llama_server`, so tests
drive the real local-model backend (its own llama_cpp.server process) and a
real OpenAI-compatible server without big weights. Its output is random text: exactly what the verifier
must catch.

Its weight matrices are quantized like a real model's (attention and output
Q8_0, feed-forward Q4_0, via `gguf.quants`), so a decode runs llama.cpp's
quantized matmul kernels: the ones that a llama-cpp-python compiled for the
wrong CPU features crashes in (see eval/results/llamacpp-build.md). An F32
model never reaches them. `check_decodes` runs one decode in a subprocess so
such a crash becomes a clear test failure instead of killing pytest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def write_tiny_gguf(path: Path, seed: int = 0) -> Path:
    import gguf

    rng = np.random.default_rng(seed)
    n_embd, n_ff, n_layers, n_head = 64, 128, 2, 4
    words = ["▁die", "▁der", "▁und", "▁Social", "▁Media", "▁Strategie", "▁[1]", "▁the", "▁and", "."]
    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"] + [f"<0x{b:02X}>" for b in range(256)] + words
    types = [2, 3, 3, 3, 3] + [6] * 256 + [1] * len(words)  # unknown, control, byte, normal
    n_vocab = len(tokens)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-random-llama")
    writer.add_context_length(16384)  # its byte-level vocabulary makes prompts long
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * 261 + [-float(i) for i in range(len(words))])
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML)

    Q8_0, Q4_0 = gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.Q4_0

    def tensor(name: str, *shape: int, qtype: gguf.GGMLQuantizationType | None = None) -> None:
        # Rows are the last axis (ggml's ne[0]); both quant types pack blocks of 32 along it.
        data = (rng.standard_normal(shape) * 0.02).astype(np.float32)
        if qtype is None:
            writer.add_tensor(name, data)
        else:
            writer.add_tensor(name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)

    tensor("token_embd.weight", n_vocab, n_embd)
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    tensor("output.weight", n_vocab, n_embd, qtype=Q8_0)
    for i in range(n_layers):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            tensor(f"blk.{i}.{name}.weight", n_embd, n_embd, qtype=Q8_0)
        tensor(f"blk.{i}.ffn_gate.weight", n_ff, n_embd, qtype=Q4_0)
        tensor(f"blk.{i}.ffn_up.weight", n_ff, n_embd, qtype=Q4_0)
        tensor(f"blk.{i}.ffn_down.weight", n_embd, n_ff, qtype=Q4_0)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


_DECODE = """
import sys
from assistant.llm.ggml_backends import AMX_VARIANTS, amx_allowed, cpu_features, load_cpu_backend, variant_files
variant = load_cpu_backend()  # as the model server does (llm/llama_server.py)
if variant_files() and not amx_allowed():  # a runtime-dispatch build: a variant must be loaded, never AMX
    features = cpu_features()
    assert variant is not None and features, f"no CPU backend loaded: {variant!r} {features}"
    assert variant not in AMX_VARIANTS and "AMX_INT8" not in features, f"an AMX variant was loaded: {variant} {features}"
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=2, n_batch=64, verbose=False)
tokens = llm.tokenize("Social Media Strategie und die der und the and. ".encode() * 6, add_bos=False)
out = llm.create_completion(tokens, max_tokens=16, temperature=0.0)
print(len(tokens), out["usage"]["completion_tokens"], variant or "linked-in")
"""


def check_decodes(path: Path, python: str = sys.executable, timeout: float = 120) -> str:
    """Decode a prompt of a few hundred tokens and 16 new ones in a child process, after loading
    the CPU kernels as the model server does; prints "399 16 VARIANT" (VARIANT: the runtime-dispatch
    CPU variant, e.g. zen4, or "linked-in" for a build without variants). It fails when a
    runtime-dispatch build loaded no variant or an AMX one.

    Raises RuntimeError with the child's exit status and output when it crashes
    (a SIGSEGV/SIGILL in a matmul kernel shows as exit -11/-4)."""
    done = subprocess.run([python, "-c", _DECODE, str(path)], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        hint = ""
        if done.returncode < 0:
            hint = (
                "\nllama-cpp-python crashed in a kernel: it was compiled with CPU features that break on this "
                "machine (e.g. the default GGML_NATIVE build on an AVX-512/AMX CPU: its AMX matmul). Rebuild "
                "it with the CMAKE_ARGS of the README's test command: .venv/bin/pip uninstall -y "
                "llama-cpp-python && pip cache remove llama_cpp_python && CMAKE_ARGS=\"...\" "
                ".venv/bin/pip install -e '.[test]'"
            )
        raise RuntimeError(
            f"decoding {path.name} with llama-cpp-python failed (exit {done.returncode}): "
            f"{(done.stdout + done.stderr).strip()[-800:]}{hint}"
        )
    return done.stdout.strip()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    model = write_tiny_gguf(Path(paths[0] if paths else "tiny.gguf"))
    print(model)
    if "--decode" in sys.argv:
        print(check_decodes(model))
