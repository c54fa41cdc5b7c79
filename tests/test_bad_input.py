"""Bad input and broken storage: a clear message, and nothing lost."""

import shutil
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.index import Index
from assistant.ui import safe_filename
from conftest import CORPUS, DOC_IDS, make_settings, run_cli


def test_an_article_duplicated_under_another_name_is_skipped(tmp_path, corpus_copy):
    shutil.copy(corpus_copy / "001_0641b772f0ced2db.txt", corpus_copy / "kopie.txt")
    index = Index(make_settings(tmp_path / "data"))
    report = index.ingest([corpus_copy])
    assert [d["doc_id"] for d in index.documents()] == DOC_IDS
    assert any("kopie.txt" in s.path and "same article text as" in s.reason for s in report.skipped)


@pytest.mark.parametrize("name, safe", [
    ("../../x.md", "x.md"), ("/etc/passwd", "passwd"), ("..\\..\\win.txt", "win.txt"),
    ("a b;c$.md", "a_b_c_.md"), (".hidden.txt", "hidden.txt"), ("..", "upload.txt"),
])
def test_upload_names_lose_their_path_components(name, safe):
    assert safe_filename(name) == safe


def test_a_data_dir_that_is_not_a_directory_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(AssistantError, match="Cannot open the index"):
        Index(make_settings(blocker)).ingest([CORPUS])
    result = run_cli("--data-dir", str(blocker), "ingest")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_unwritable_data_dir_is_a_clear_error():
    # /sys refuses mkdir even to root, so this holds when the tests run as root.
    with pytest.raises(AssistantError, match="Check that the directory is writable"):
        Index(make_settings(Path("/sys/kernel/assistant-test-data"))).ingest([CORPUS])
    result = run_cli("--data-dir", "/sys/kernel/assistant-test-data", "ingest")
    assert result.returncode == 2 and "Operation not permitted" in result.stderr and "Traceback" not in result.stderr


def test_a_corrupted_store_gets_a_clear_message_and_rebuild_keeps_a_copy(tmp_path):
    data = tmp_path / "data"
    assert run_cli("--data-dir", str(data), "ingest").returncode == 0
    db = data / "chroma" / "chroma.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[100:5000] = bytes(4900)
    db.write_bytes(bytes(raw))

    broken = run_cli("--data-dir", str(data), "search", "Budget")
    assert broken.returncode == 2 and "ingest --rebuild" in broken.stderr and "Traceback" not in broken.stderr
    rebuilt = run_cli("--data-dir", str(data), "ingest", "--rebuild")
    assert rebuilt.returncode == 0 and "31 chunks added" in rebuilt.stdout, rebuilt.stderr
    assert list(data.glob("chroma.unreadable-*"))  # the damaged store is kept, not deleted
    assert run_cli("--data-dir", str(data), "search", "Budget", "--json").returncode == 0
