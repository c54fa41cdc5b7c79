"""One index, several processes (issue 17): a serving process sees what the CLI ingests and
removes, two writers never interleave (the second is told who is writing, or waits), a writer
killed while holding the lock leaves nothing stale, and a document id held by another file is
never replaced by accident. Real CLI processes against a real embedded Chroma store."""

import shutil
import signal

import pytest
from conftest import CORPUS, DOC_IDS, index_state, make_settings, run_cli, start_cli

from assistant.chain import Assistant
from assistant.index import Index
from assistant.retrieval import Retriever
from assistant.writelock import IndexBusyError

NEW_ARTICLE = (
    "Social Media in der Imkerei\n\n"
    "Die Imkerei Honigtal aus Lüneburg verkauft seit 2021 über einen Instagram-Shop. "
    "Jeden Freitag zeigt die Imkerin ein Video von den Bienenstöcken, und die Bestellungen "
    "stiegen im ersten Jahr auf 400 Gläser im Monat.\n\n"
    "Ein Newsletter ergänzt den Kanal: Stammkunden erfahren darin zuerst von der neuen Ernte.\n"
)
QUESTION = "Wie viele Gläser Honig verkauft die Imkerei Honigtal im Monat?"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    Index(make_settings(folder)).ingest([CORPUS])
    return folder


def env(data_dir, **extra) -> dict:
    return {"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_CORPUS_DIR": str(CORPUS), **extra}


def new_folder(tmp_path, name="imkerei", text=NEW_ARTICLE):
    folder = tmp_path / f"new-{name}"
    folder.mkdir()
    (folder / f"{name}.txt").write_text(text)
    return folder


def found(retriever: Retriever, mode: str) -> set[str]:
    return {p.doc_id for p in retriever.search(QUESTION, k=5, mode=mode)}


def test_a_serving_process_sees_what_the_cli_ingests_and_removes(data, tmp_path):
    """This pytest process plays the app: its index is open and warm (dense vectors in memory,
    BM25 loaded) while `assistant ingest` and `assistant remove` run in other processes."""
    index = Index(make_settings(data))
    assistant = Assistant(index.settings, index)
    retriever = assistant.retriever
    assert "imkerei" not in found(retriever, "dense") | found(retriever, "bm25")
    assert assistant.ask(QUESTION, backend="extractive").refused

    added = run_cli("ingest", "--no-prune", str(new_folder(tmp_path)), env=env(data))
    assert added.returncode == 0, added.stderr
    assert "imkerei" in found(retriever, "dense") and "imkerei" in found(retriever, "bm25")
    answer = assistant.ask(QUESTION, backend="extractive")
    assert not answer.refused and answer.citations[0].doc_id == "imkerei"
    assert "imkerei" in {a.doc_id for a in retriever.articles()}

    removed = run_cli("remove", "imkerei", env=env(data))
    assert removed.returncode == 0, removed.stderr
    assert "imkerei" not in found(retriever, "dense") | found(retriever, "bm25")
    assert assistant.ask(QUESTION, backend="extractive").refused
    assert index.count() == len(index_state(data)["chunks"])  # this process counts what a fresh one does


def test_two_cli_ingests_at_once_never_interleave(data, tmp_path):
    first = start_cli("ingest", "--no-prune", str(new_folder(tmp_path, "erste")), env=env(data), stop_after_write=1)
    try:
        second = run_cli("ingest", "--no-prune", str(new_folder(tmp_path, "zweite", NEW_ARTICLE.replace("Honigtal", "Blütenhang"))), env=env(data))
        assert second.returncode == 2
        assert "already running" in second.stderr and f"by pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
        with pytest.raises(IndexBusyError, match=f"pid {first.pid}"):  # the app's upload path
            Index(make_settings(data)).ingest([new_folder(tmp_path, "upload")], prune=False)
        waiting = start_cli("ingest", "--wait", "--no-prune", str(tmp_path / "new-zweite"), env=env(data))
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(120) == 0, first.stderr.read()
    assert waiting.wait(120) == 0, waiting.stderr.read()
    state = index_state(data)
    assert set(state["documents"]) == {*DOC_IDS, "erste", "zweite"}  # none lost, "upload" never written
    assert state["bm25_agrees"]
    assert {cid.rsplit("#", 1)[0] for cid in state["chunks"]} == set(state["documents"])  # no stray chunk


def test_a_writer_killed_holding_the_lock_leaves_nothing_stale(data, tmp_path):
    """SIGKILL while a new article is half written: the lock is free at once, and the next writer
    (ingesting something else) deletes the dead writer's unfinished chunks."""
    long_article = NEW_ARTICLE + "\n\n".join(f"Absatz {i}: " + "Die Imkerei pflegt ihre Kanäle sorgfältig. " * 12 for i in range(8))
    victim = start_cli("ingest", "--no-prune", str(new_folder(tmp_path, "halb", long_article)),
                       env=env(data, ASSISTANT_EMBED_BATCH_SIZE="1"), stop_after_write=2)
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    assert (data / "index.lock.json").exists()  # the dead writer's note
    assert any(cid.startswith("halb#") for cid in index_state(data)["chunks"])  # chunks without a finished document

    after = run_cli("ingest", "--no-prune", str(new_folder(tmp_path, "danach")), env=env(data))
    assert after.returncode == 0, after.stderr
    state = index_state(data)
    assert set(state["documents"]) == {*DOC_IDS, "danach"}
    assert not any(cid.startswith("halb#") for cid in state["chunks"]) and state["bm25_agrees"]
    assert not (data / "index.lock.json").exists()


def test_a_document_id_held_by_another_file_is_refused_unless_replaced(data, tmp_path, articles):
    doc_id = DOC_IDS[0]
    before = index_state(data)
    imposter = new_folder(tmp_path, doc_id, NEW_ARTICLE)
    refused = run_cli("ingest", "--no-prune", str(imposter), env=env(data))
    assert refused.returncode == 1
    assert f"the document id {doc_id!r} is already taken by {CORPUS / (doc_id + '.txt')}" in refused.stderr
    assert "--replace" in refused.stderr
    assert index_state(data) == before  # the article from corpus/ is untouched

    replaced = run_cli("ingest", "--no-prune", "--replace", str(imposter), env=env(data))
    assert replaced.returncode == 0, replaced.stderr
    index = Index(make_settings(data))
    [meta] = [m for m in index.documents() if m["doc_id"] == doc_id]
    assert meta["path"] == str((imposter / f"{doc_id}.txt").resolve()) and meta["title"] == "Social Media in der Imkerei"
    assert index_state(data)["bm25_agrees"]


def test_a_moved_file_keeps_its_id(tmp_path):
    old_place, new_place = tmp_path / "alt", tmp_path / "neu"
    shutil.copytree(CORPUS, old_place)
    data = tmp_path / "data"
    Index(make_settings(data)).ingest([old_place])
    new_place.mkdir()
    (old_place / f"{DOC_IDS[1]}.txt").rename(new_place / f"{DOC_IDS[1]}.txt")
    moved = run_cli("ingest", "--no-prune", str(new_place), env=env(data))
    assert moved.returncode == 0, moved.stderr
    assert "0 chunks added, 0 updated" in moved.stdout  # same text: nothing embedded again
    paths = {m["doc_id"]: m["path"] for m in Index(make_settings(data)).documents()}
    assert paths[DOC_IDS[1]] == str((new_place / f"{DOC_IDS[1]}.txt").resolve())


def test_replacing_an_article_keeps_it_whole_at_every_write(data, tmp_path, articles):
    """Pause a replacement after each of its writes in turn: the article is listed and every
    chunk position up to its old or new length is present, so a question always finds it."""
    doc_id = DOC_IDS[2]
    source = tmp_path / "ersatz"
    source.mkdir()
    shorter = articles[doc_id].title + "\n\n" + "\n\n".join(articles[doc_id].text.split("\n\n")[:4]).replace("Social Media", "soziale Medien")
    (source / f"{doc_id}.txt").write_text(shorter)
    log = tmp_path / "writes.log"
    counted = run_cli("ingest", "--no-prune", "--replace", str(source), env=env(data, ASSISTANT_WRITE_LOG=str(log), ASSISTANT_EMBED_BATCH_SIZE="2"))
    assert counted.returncode == 0, counted.stderr
    points = len(log.read_text().splitlines())
    assert points >= 4
    old_n = {m["doc_id"]: m["n_chunks"] for m in Index(make_settings(data)).documents()}[doc_id]
    base = tmp_path / "base"
    Index(make_settings(base)).ingest([CORPUS])
    for point in range(1, points + 1):
        copy = tmp_path / f"data-{point}"
        shutil.copytree(base, copy)
        proc = start_cli("ingest", "--no-prune", "--replace", str(source), env=env(copy, ASSISTANT_EMBED_BATCH_SIZE="2"), stop_after_write=point)
        try:
            state = index_state(copy)
            positions = sorted(int(cid.rsplit("#", 1)[1]) for cid in state["chunks"] if cid.rsplit("#", 1)[0] == doc_id)
            assert doc_id in state["documents"], f"the article disappeared after write {point}"
            assert positions[: min(len(positions), old_n)] == list(range(min(len(positions), old_n))), f"a gap after write {point}: {positions}"
        finally:
            proc.send_signal(signal.SIGCONT)
            assert proc.wait(60) == 0
