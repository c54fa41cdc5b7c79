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
    assert rebuilt.returncode == 0 and "32 chunks added" in rebuilt.stdout, rebuilt.stderr
    assert list(data.glob("chroma.unreadable-*"))  # the damaged store is kept, not deleted
    assert run_cli("--data-dir", str(data), "search", "Budget", "--json").returncode == 0


def test_bad_settings_are_named_one_line_each(monkeypatch, capsys, tmp_path):
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_K", "0")
    monkeypatch.setenv("ASSISTANT_CHUNK_SIZE", "10")
    monkeypatch.setenv("ASSISTANT_UI_PORT", "99999")
    assert main(["ask", "Was bedeutet socius?"]) == 2
    err = capsys.readouterr().err
    assert "ASSISTANT_K (retrieval.k) = '0'" in err and "ASSISTANT_CHUNK_SIZE (ingest.chunk_size) = '10'" in err
    assert "ASSISTANT_UI_PORT (ui.port) = '99999'" in err and "Traceback" not in err
    assert not (tmp_path / "chroma").exists()  # nothing was built from bad settings


@pytest.mark.parametrize("content, expected", [
    ("gate_threshold = 0.8\nk = \n", "not valid TOML: Invalid value (at line 2, column 5)"),
    ("gate_treshold = 0.8\n", "unknown settings: gate_treshold"),
    ("[ui]\nprot = 8000\n", "ui.prot: unknown setting"),
    ("chunk_overlap = 400\n", "ingest: chunk_overlap (400) must be at most half of chunk_size (600)"),
])
def test_config_file_errors_name_the_file_and_the_problem(monkeypatch, capsys, tmp_path, content, expected):
    from assistant.cli import main

    config = tmp_path / "assistant.toml"
    config.write_text(content)
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    assert main(["info"]) == 2
    err = capsys.readouterr().err
    assert expected in err and (str(config) in err or expected.startswith("ingest"))


def test_config_file_values_and_tables_are_read(monkeypatch, tmp_path):
    from assistant.config import load_settings

    config = tmp_path / "assistant.toml"
    config.write_text("k = 7\ngate_threshold = 0.8\n[ui]\nport = 8111\n")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    monkeypatch.setenv("ASSISTANT_GATE_THRESHOLD", "0.82")  # the environment wins over the file
    settings = load_settings()
    assert (settings.retrieval.k, settings.gate.threshold, settings.ui.port) == (7, 0.82, 8111)
