"""HTML for the UI: answers with marked sentences, the sources panel, the article view.

Everything from articles, questions or models is escaped: text is shown as
text, never run as HTML or script.
"""

from __future__ import annotations

from html import escape

CONTEXT_CHARS = 280  # characters shown around a quote in the sources panel

CSS = """
.src-card{border:1px solid var(--border-color-primary);border-radius:8px;padding:10px;margin-bottom:10px}
.src-card h4{margin:0 0 4px 0}
.src-meta{font-size:0.85em;opacity:0.8;margin-bottom:6px}
.src-context{font-size:0.92em;line-height:1.45;white-space:pre-wrap}
mark.quote{background:#fde68a;color:#111;padding:0 2px;border-radius:3px}
.unsupported{text-decoration:underline wavy #dc2626;text-underline-offset:3px}
.refused{font-style:italic}
.answer-meta{font-size:0.8em;opacity:0.75}
.article-text{white-space:pre-wrap;line-height:1.5;max-height:420px;overflow-y:auto}
"""


def _t(lang: str, de: str, en: str) -> str:
    return de if lang == "de" else en


def answer_markdown(result, show_scores: bool = False) -> str:
    """The chat message: the answer, unsupported sentences visibly marked, and who answered."""
    if result.refused:
        body = f"<span class='refused'>{escape(result.answer)}</span>"
    else:
        body = escape(result.answer)
        for sentence in result.sentences:
            if not sentence.supported and escape(sentence.text) in body:
                label = _t(result.language, "nicht belegt", "not supported")
                score = f" {sentence.score:.2f}" if show_scores else ""
                body = body.replace(
                    escape(sentence.text),
                    f"<span class='unsupported' title='{label}{score}'>{escape(sentence.text)}</span> ⚠️",
                    1,
                )
        body = body.replace("\n", "<br>")
    who = f"{escape(result.backend)} · {escape(result.model)} · {result.timings.total_s:.1f} s"
    if result.fallback:
        who += " · " + _t(result.language, "Ersatzantwort aus Zitaten", "fallback: quotes")
    return f"{body}<br><span class='answer-meta'>{who}</span>"


def highlighted(text: str, start: int, end: int, mark_id: str = "") -> str:
    ident = f" id='{escape(mark_id)}'" if mark_id else ""
    return f"{escape(text[:start])}<mark class='quote'{ident}>{escape(text[start:end])}</mark>{escape(text[end:])}"


def sources_html(result, articles: dict, show_scores: bool = False) -> str:
    """One card per citation: title, author, the quote highlighted in its surrounding text,
    and the whole article (expandable) with the quote marked."""
    lang = result.language
    if result.refused or not result.citations:
        message = _t(lang, "Keine Quellen – die Artikel enthalten dazu nichts.", "No sources – the articles say nothing about this.")
        return f"<div class='src-empty'>{escape(message)}</div>"
    cards = []
    for i, c in enumerate(result.citations):
        article = articles.get(c.doc_id)
        if c.chunk_id.endswith("#header"):  # a metadata answer cites the article's header, not its text
            label = _t(lang, "Angaben zum Artikel", "About the article")
            cards.append(f"<div class='src-card' data-doc='{escape(c.doc_id)}'><h4>[{c.n}] {escape(c.title)}</h4>"
                         f"<div class='src-meta'>{escape(label)} · {escape(c.doc_id)}</div>"
                         f"<div class='src-context'><mark class='quote'>{escape(c.quote)}</mark></div></div>")
            continue
        text = article.text if article else c.quote
        start, end = (c.start, c.end) if article and text[c.start : c.end] == c.quote else (0, len(text))
        lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        context = ("…" if lo else "") + highlighted(text[lo:hi], start - lo, end - lo) + ("…" if hi < len(text) else "")
        meta = [escape(c.doc_id)]
        if article and article.author:
            meta.insert(0, escape(article.author))
        if article and article.source:
            meta.append(escape(article.source))
        if c.page:
            meta.append(c.page_label(lang))
        meta.append(_t(lang, f"Zeichen {c.start}–{c.end}", f"characters {c.start}–{c.end}"))
        if show_scores:
            passage = next((p for p in result.retrieved if p.chunk_id == c.chunk_id), None)
            if passage:
                meta.append(f"score {passage.score:.4f} · cos {passage.dense_score or 0:.3f}")
        whole = _t(lang, "Ganzen Artikel an dieser Stelle öffnen", "Open the whole article at this place")
        cards.append(
            f"<div class='src-card' data-doc='{escape(c.doc_id)}'><h4>[{c.n}] {escape(c.title)}</h4>"
            f"<div class='src-meta'>{' · '.join(meta)}</div>"
            f"<div class='src-context'>{context}</div>"
            f"<details><summary>{escape(whole)}</summary><div class='article-text'>"
            f"{highlighted(text, start, end, f'cite-{i}')}</div></details></div>"
        )
    return "".join(cards)


def article_html(article) -> str:
    rows = [("Titel / title", article.title), ("Autor / author", article.author), ("Quelle / source", article.source),
            ("Datum / date", article.date), ("Sprache / language", article.language), ("ID", article.doc_id)]
    meta = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v)
    return f"<table>{meta}</table><div class='article-text'>{escape(article.text)}</div>"
