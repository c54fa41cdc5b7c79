"""Synthetic German corpora of a given size, made locally by recombining the
sentences of the real articles (nothing is downloaded).

Each synthetic article is a title line and paragraphs of sentences drawn at
random (seeded, so a size always yields the same files). The chunk count is
aimed at by measuring chunks per article on a sample; the exact count is what
ingestion reports.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..chunking import chunk_text, sentence_spans
from ..corpus import load_articles

SENTENCES_PER_ARTICLE = 40


def corpus_sentences(corpus_dir: Path) -> list[str]:
    articles, _ = load_articles([corpus_dir])
    sentences = [a.text[s:e] for a in articles for s, e in sentence_spans(a.text)]
    return [s for s in sentences if len(s.split()) >= 4]  # headings and list stubs make poor filler


def synthetic_article(rng: random.Random, sentences: list[str], number: int) -> str:
    picked = rng.sample(sentences, SENTENCES_PER_ARTICLE)
    title = " ".join(picked[0].split()[:8]).rstrip(".,:;")
    paragraphs, i = [], 0
    while i < len(picked):
        size = rng.randint(3, 6)
        paragraphs.append(" ".join(picked[i : i + size]))
        i += size
    return f"Synthetischer Artikel {number}: {title}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_corpus(target_chunks: int, folder: Path, corpus_dir: Path, chunk_size: int, overlap: int, seed: int = 7) -> int:
    """Write about `target_chunks` chunks' worth of articles into `folder` (reused when
    already complete); returns the number of files."""
    done_marker = folder / ".complete"
    if done_marker.exists():
        return int(done_marker.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    sentences = corpus_sentences(corpus_dir)
    rng = random.Random(seed)
    sample = [synthetic_article(random.Random(seed + n), sentences, n) for n in range(20)]
    per_article = sum(len(chunk_text(text, chunk_size, overlap)) for text in sample) / len(sample)
    n_files = max(1, round(target_chunks / per_article))
    for n in range(n_files):
        (folder / f"syn_{n:06d}.txt").write_text(synthetic_article(rng, sentences, n), encoding="utf-8")
    done_marker.write_text(str(n_files))
    return n_files
