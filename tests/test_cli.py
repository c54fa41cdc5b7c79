import json

from conftest import CORPUS, run_cli


def test_search_json_builds_the_index_on_first_run(tmp_path):
    result = run_cli("--data-dir", str(tmp_path), "search", "Wie viele Internetnutzer sind in sozialen Netzwerken?", "-k", "3", "--json")
    assert result.returncode == 0, result.stderr
    passages = json.loads(result.stdout)
    assert len(passages) == 3
    assert passages[0]["doc_id"] == "001_0641b772f0ced2db"
    for p in passages:
        assert {"doc_id", "chunk_id", "score", "title", "text"} <= set(p)
    assert "first run" in result.stderr


def test_ingest_prints_what_it_did_and_info_describes_the_store(tmp_path):
    first = run_cli("--data-dir", str(tmp_path), "ingest", str(CORPUS))
    assert first.returncode == 0, first.stderr
    assert "32 chunks added" in first.stdout
    second = run_cli("--data-dir", str(tmp_path), "ingest", str(CORPUS))
    assert " 0 chunks added, 0 updated, 0 removed," in second.stdout and "unchanged" in second.stdout
    info = json.loads(run_cli("--data-dir", str(tmp_path), "info", "--json").stdout)
    assert info["store"] == "embedded" and info["collection"] == "articles" and info["documents"] == 5
    assert info["chunks"] > 20 and info["embedding_dimension"] == 384
    assert info["embedding_model"].startswith("intfloat/multilingual-e5-small")


def test_bad_input_gives_a_sentence_and_an_exit_code(tmp_path):
    empty = run_cli("--data-dir", str(tmp_path), "search", "   ")
    assert empty.returncode == 2 and "question is empty" in empty.stderr and "Traceback" not in empty.stderr
    bad_k = run_cli("--data-dir", str(tmp_path), "search", "Strategie", "-k", "0")
    assert bad_k.returncode == 2 and "-k must be" in bad_k.stderr
    missing = run_cli("--data-dir", str(tmp_path), "ingest", str(tmp_path / "gibt-es-nicht"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_huge_question_is_truncated_with_a_notice(tmp_path):
    result = run_cli("--data-dir", str(tmp_path), "search", "Budget " * 15_000, "-k", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert "only the first 2,000 are used" in result.stderr
    assert len(json.loads(result.stdout)) == 1


def test_model_mismatch_in_the_cli_names_the_way_out(tmp_path):
    assert run_cli("--data-dir", str(tmp_path), "ingest").returncode == 0
    result = run_cli("--data-dir", str(tmp_path), "--embedding", "minilm", "search", "Strategie")
    assert result.returncode == 2
    assert "assistant ingest --rebuild" in result.stderr and "Traceback" not in result.stderr
    rebuilt = run_cli("--data-dir", str(tmp_path), "--embedding", "minilm", "ingest", "--rebuild")
    assert rebuilt.returncode == 0 and "chunks added" in rebuilt.stdout


def test_unreachable_server_is_reported_without_hanging(tmp_path):
    from conftest import free_port

    result = run_cli("--chroma-url", f"http://127.0.0.1:{free_port()}", "info", timeout=60)
    assert result.returncode == 2 and "Cannot reach the Chroma server" in result.stderr
