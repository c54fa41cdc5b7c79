"""Interrupted ingestion: `assistant ingest` killed with SIGKILL at several points; the next
run completes and the index holds exactly the expected chunks, and BM25 agrees with Chroma."""

import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings

from assistant.chunking import chunk_article
from assistant.corpus import load_articles
from assistant.index import Index
from assistant.retrieval import Retriever


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """The five articles plus 20 recombined ones, so an ingest takes several seconds."""
    folder = tmp_path_factory.mktemp("big-corpus")
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder)
    articles, _ = load_articles([CORPUS])
    paragraphs = [p for a in articles for p in a.text.split("\n\n") if len(p) > 80]
    for i in range(20):
        chosen = [paragraphs[(i * 7 + j * 3) % len(paragraphs)] for j in range(6)]
        (folder / f"mix_{i:02d}.txt").write_text(f"Sammelartikel Nummer {i}\n\n" + "\n\n".join(chosen))
    return folder


def kill_when_embedded(proc: subprocess.Popen, share: float) -> tuple[int, int]:
    """Read the progress bar on stderr; SIGKILL the ingest once `share` of its chunks are written.
    Returns the (done, total) the bar showed at the kill."""
    seen = ""
    while proc.poll() is None:
        piece = os.read(proc.stderr.fileno(), 4096).decode("utf-8", "replace")
        if not piece:
            break
        seen += piece
        bars = re.findall(r"embedding:.*?(\d+)/(\d+)", seen)
        if bars:
            done, total = map(int, bars[-1])
            if done >= share * total:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return done, total
    raise AssertionError(f"the ingest ended before it could be killed: {seen[-500:]}")


@pytest.mark.parametrize("share", [0.3, 0.6])
def test_sigkill_midway_then_rerun_gives_exactly_the_expected_index(tmp_path, big_corpus, share):
    data = tmp_path / "data"
    # One chunk per write, so the kill lands inside a document, not between two.
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_EMBED_BATCH_SIZE": "1"}
    cmd = [str(Path(sys.executable).with_name("assistant")), "ingest", str(big_corpus)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done, total = kill_when_embedded(proc, share)
    assert proc.returncode == -signal.SIGKILL and done < total  # killed midway, not after the end

    articles, _ = load_articles([big_corpus])
    expected = {c.chunk_id for a in articles for c in chunk_article(a, 600, 120)}
    assert total == len(expected)
    killed_state = Index(make_settings(data))
    finished = {meta["doc_id"] for meta in killed_state.documents()}
    stored = Counter(cid.rsplit("#", 1)[0] for cid in killed_state.all_chunks()[0])
    half_written = {a.doc_id for a in articles if 0 < stored[a.doc_id] < len(chunk_article(a, 600, 120))}
    assert len(finished) < len(articles)  # the kill left documents unfinished
    assert half_written, f"the kill at {done}/{total} fell between two documents: choose another share"
    assert not half_written & finished, f"half-written documents count as ingested: {sorted(half_written & finished)}"
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # read the store afresh after the rerun below

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    index = Index(make_settings(data))
    ids = index.all_chunks()[0]
    assert len(ids) == len(set(ids)), "duplicate chunks"
    assert set(ids) == expected, f"missing {sorted(expected - set(ids))[:5]}, extra {sorted(set(ids) - expected)[:5]}"
    assert len(index.documents()) == len(articles)
    assert set(Retriever(index).bm25().chunk_ids) == expected  # BM25 and dense agree
