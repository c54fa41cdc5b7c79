"""The app's words in German and English: labels for gr.I18n (the browser's language picks them,
Gradio's settings panel switches them) and the example questions per language."""

from __future__ import annotations

import gradio as gr

GERMAN = {
    "intro": "## Social-Media-Strategie für Unternehmen – fragen Sie die Artikel\n"
             "Antworten mit belegten Zitaten aus den Artikeln. Fragen Sie auf Deutsch oder Englisch. "
             "Sprache der Oberfläche: unten unter „Einstellungen“.",
    "tab_chat": "Chat",
    "tab_articles": "Artikel",
    "tab_eval": "Evaluation",
    "tab_upload": "Hochladen",
    "conversations": "### Gespräche",
    "conversations_list": "Gespräche",
    "title": "Titel",
    "rename": "Umbenennen",
    "delete": "Löschen",
    "export": "Als Markdown herunterladen",
    "chat": "Chat",
    "question": "Frage",
    "question_placeholder": "Frage stellen …",
    "send": "Fragen",
    "new_chat": "Neuer Chat",
    "comment": "Kommentar zur bewerteten Antwort",
    "save_comment": "Kommentar speichern",
    "examples": "Beispiele",
    "sources": "### Quellen",
    "settings": "Einstellungen",
    "backend": "Antwort-Backend",
    "k": "Passagen (k)",
    "hybrid": "Hybrid-Suche (dicht + BM25)",
    "show_scores": "Scores anzeigen",
    "article": "Artikel",
    "run_eval": "Evaluation starten (extractive)",
    "eval_file": "Fragedatei (questions.jsonl: Dev-Set, -test / -holdout: zurückgehalten)",
    "plots": "Diagramme",
    "explore": "Fragen einzeln ansehen",
    "run": "Lauf",
    "filter": "Filter",
    "language": "Sprache",
    "compare": "Mit einem anderen Lauf vergleichen",
    "files": "Dateien (.txt, .md, .html, .pdf, .docx)",
    "url": "Oder eine Webseite (Adresse)",
    "replace": "Ersetzen: ein Artikel mit gleichem Namen wird ersetzt",
    "add": "Hinzufügen",
}

ENGLISH = {
    "intro": "## Social-media strategy for companies – ask the articles\n"
             "Answers with verified quotes from the (German) articles. Ask in English or German. "
             "Interface language: under “Settings” at the bottom.",
    "tab_chat": "Chat",
    "tab_articles": "Articles",
    "tab_eval": "Evaluation",
    "tab_upload": "Upload",
    "conversations": "### Conversations",
    "conversations_list": "Conversations",
    "title": "Title",
    "rename": "Rename",
    "delete": "Delete",
    "export": "Download as Markdown",
    "chat": "Chat",
    "question": "Question",
    "question_placeholder": "Ask a question …",
    "send": "Ask",
    "new_chat": "New chat",
    "comment": "Comment on the rated answer",
    "save_comment": "Save comment",
    "examples": "Examples",
    "sources": "### Sources",
    "settings": "Settings",
    "backend": "Answer backend",
    "k": "Passages (k)",
    "hybrid": "Hybrid search (dense + BM25)",
    "show_scores": "Show retrieval scores",
    "article": "Article",
    "run_eval": "Run the evaluation (extractive)",
    "eval_file": "Question file (questions.jsonl: dev set, -test / -holdout: held out)",
    "plots": "Plots",
    "explore": "Explore a run question by question",
    "run": "Run",
    "filter": "Filter",
    "language": "Language",
    "compare": "Compare with another run",
    "files": "Files (.txt, .md, .html, .pdf, .docx)",
    "url": "Or a web page (address)",
    "replace": "Replace an article of the same name",
    "add": "Add",
}

I18N = gr.I18n(de=GERMAN, en=ENGLISH)
t = I18N  # t("send") in a component's label

EXAMPLES = {
    "de": [
        "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?",
        "Welche Vorteile sozialer Medien nennt das Fazit?",
        "Für wie viele Jahre sollte das Social-Media-Budget gesichert sein?",
        "Welche Rolle spielten Earned Media bei Barack Obamas erstem Wahlsieg?",
    ],
    "en": [
        "What share of the discussion about banks takes place on social-media channels?",
        "Which advantages of social media does the conclusion name?",
        "For how many years should the social media budget be secured?",
        "What role did earned media play in Barack Obama's first election victory?",
    ],
}


def browser_language(accept_language: str | None) -> str:
    """"de" or "en" from an Accept-Language header ("de-DE,de;q=0.9,en;q=0.8" → "de"); German
    speakers get German, everyone else English, as the labels do."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "de" if first.startswith("de") else "en"
