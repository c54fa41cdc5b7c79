"""Faults at every write (issue 17 item 4), the way SQLite tests itself: an ingest that adds,
replaces, prunes and keeps documents is stopped after each of its index writes in turn
(assistant/faults.py counts them: Chroma upserts and deletes, document marks, the revision,
the BM25 files) and then (a) killed with SIGKILL, (b) left to run on a full disk (a small
tmpfs), (c) left to run after its data directory was made read-only. After each, the same
command runs again and must end with exactly the chunks of a clean ingest, every document
finished, and the saved BM25 index agreeing with Chroma. A failed write must say so in one
clear message, without a traceback. Figures: eval/results/reliability.md."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, index_state, make_settings, run_cli, start_cli, wait_until_stopped

from assistant.corpus import load_articles
from assistant.index import Index

BATCH = {"ASSISTANT_EMBED_BATCH_SIZE": "2"}  # several upserts per document: more write points


def paragraphs() -> list[str]:
    articles, _ = load_articles([CORPUS])
    return [p for a in articles for p in a.text.split("\n\n") if len(p) > 120]


def write_articles(folder: Path, version: int) -> None:
    """Version 1: a (long), b, c. Version 2: a shortened and changed, b the same, c deleted, d new."""
    parts = paragraphs()
    for stale in folder.glob("*.txt"):
        stale.unlink()
    texts = {"a": parts[0:9], "b": parts[10:13], "c": parts[14:16]} if version == 1 else \
            {"a": [parts[0].replace("Social Media", "soziale Medien")] + parts[1:4], "b": parts[10:13], "d": parts[20:24]}
    for name, chosen in texts.items():
        (folder / f"{name}.txt").write_text(f"Artikel {name.upper()}\n\n" + "\n\n".join(chosen))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """(articles folder now at version 2, a store holding version 1, the clean result, the write points)."""
    root = tmp_path_factory.mktemp("faults")
    folder = root / "articles"
    folder.mkdir()
    write_articles(folder, 1)
    base = root / "base"
    assert run_cli("ingest", str(folder), env={"ASSISTANT_DATA_DIR": str(base), **BATCH}).returncode == 0
    write_articles(folder, 2)

    clean = root / "clean"
    assert run_cli("ingest", str(folder), env={"ASSISTANT_DATA_DIR": str(clean), **BATCH}).returncode == 0
    expected = index_state(clean)
    assert set(expected["documents"]) == {"a", "b", "d"} and expected["bm25_agrees"]

    counted, log = root / "counted", root / "writes.log"
    shutil.copytree(base, counted)
    result = run_cli("ingest", str(folder), env={"ASSISTANT_DATA_DIR": str(counted), "ASSISTANT_WRITE_LOG": str(log), **BATCH})
    assert result.returncode == 0, result.stderr
    assert "1 removed" in result.stderr or "removed c" in result.stderr
    points = [line.split("\t")[1] for line in log.read_text().splitlines()]
    assert index_state(counted) == expected  # an update of version 1 ends where a clean ingest does
    kinds = set(points)
    assert {"chunks", "first chunks (marks)", "stale chunks deleted", "document deleted", "revision",
            "bm25 files", "bm25 old moved aside", "bm25 swapped in"} <= kinds, kinds
    return folder, base, expected, points


def rerun_ends_clean(folder: Path, data: Path, expected: dict, what: str) -> None:
    again = run_cli("ingest", str(folder), env={"ASSISTANT_DATA_DIR": str(data), **BATCH}, timeout=300)
    assert again.returncode == 0, f"{what}: the next run failed: {again.stderr[-1500:]}"
    state = index_state(data)
    assert state["chunks"] == expected["chunks"], (
        f"{what}: missing {sorted(set(expected['chunks']) - set(state['chunks']))[:5]}, "
        f"extra {sorted(set(state['chunks']) - set(expected['chunks']))[:5]}, "
        f"stale {sorted(c for c in state['chunks'] if state['chunks'][c] != expected['chunks'].get(c, state['chunks'][c]))[:5]}")
    assert state["documents"] == expected["documents"], what
    assert state["bm25_agrees"], f"{what}: BM25 disagrees with Chroma"


def test_sigkill_after_every_write_then_rerun(scenario, tmp_path):
    folder, base, expected, points = scenario
    for point, kind in enumerate(points, start=1):
        data = tmp_path / f"kill-{point}"
        shutil.copytree(base, data)
        proc = start_cli("ingest", str(folder), env={"ASSISTANT_DATA_DIR": str(data), **BATCH}, stop_after_write=point)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        rerun_ends_clean(folder, data, expected, f"killed after write {point} ({kind})")
        shutil.rmtree(data)
    print(f"\nSIGKILL after each of {len(points)} writes survived: {', '.join(points)}")


def test_sigkill_after_every_write_of_a_removal(scenario, tmp_path):
    folder, base, expected, _ = scenario
    log = tmp_path / "remove.log"
    counted = tmp_path / "counted"
    shutil.copytree(base, counted)
    assert run_cli("remove", "b", env={"ASSISTANT_DATA_DIR": str(counted), "ASSISTANT_WRITE_LOG": str(log)}).returncode == 0
    points = log.read_text().splitlines()
    for point in range(1, len(points) + 1):
        data = tmp_path / f"remove-{point}"
        shutil.copytree(base, data)
        proc = start_cli("remove", "b", env={"ASSISTANT_DATA_DIR": str(data)}, stop_after_write=point)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert run_cli("remove", "b", env={"ASSISTANT_DATA_DIR": str(data)}).returncode in (0, 1)  # 1: nothing left to remove
        state = index_state(data)
        assert "b" not in state["documents"] and not any(c.startswith("b#") for c in state["chunks"])
        assert set(state["documents"]) == {"a", "c"} and state["bm25_agrees"], f"removal killed after write {point}"
    print(f"\nSIGKILL after each of {len(points)} writes of `assistant remove` survived")


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None and shutil.which("setpriv") is not None


@pytest.fixture
def small_disk(tmp_path):
    """A 64 MB tmpfs of its own, so filling it fills nobody else's disk."""
    if not can_mount():
        pytest.skip("needs root, mount and setpriv (util-linux) for a tmpfs and a permission change")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * (1 << 20))
                out.flush()
        except OSError:
            pass
    return filler


WITHOUT_ROOT_POWERS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def run_through_a_fault(folder, data, point, cause, undo, *, unprivileged=False) -> subprocess.CompletedProcess:
    """Stop the ingest after write `point`, cause the fault, let it go on, return what it said."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_STOP_AFTER_WRITE": str(point), **BATCH}
    cmd = [str(Path(sys.executable).with_name("assistant")), "ingest", str(folder)]
    if unprivileged:  # root without the powers that ignore file permissions
        cmd = WITHOUT_ROOT_POWERS + cmd
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_stopped(proc)
    cause()
    proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=120)
    undo()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def check_failure(result, point, kind, words) -> bool:
    """True when the write failed, which it must do with one clear message."""
    if result.returncode == 0:
        return False
    assert result.returncode == 2 and "Traceback" not in result.stderr, f"after write {point} ({kind}): {result.stderr[-2000:]}"
    assert any(word in result.stderr for word in words), f"after write {point} ({kind}): {result.stderr[-1000:]}"
    return True


def fault_after_every_write(scenario, place: Path, name: str, cause, undo, words: list[str], unprivileged=False) -> int:
    """Stop the ingest after each write in turn, `cause(data)` the fault, let it go on, `undo(data)`,
    and check the rerun; returns how many runs failed (each with the one-line message)."""
    folder, base, expected, points = scenario
    failed = 0
    for point, kind in enumerate(points, start=1):
        data = place / f"data-{point}"
        shutil.copytree(base, data)
        result = run_through_a_fault(folder, data, point, lambda: cause(data), lambda: undo(data), unprivileged=unprivileged)
        failed += check_failure(result, point, kind, words)
        rerun_ends_clean(folder, data, expected, f"{name} after write {point} ({kind})")
        shutil.rmtree(data)
    return failed


def test_disk_full_after_every_write_then_rerun(scenario, small_disk):
    points = scenario[3]
    failed = fault_after_every_write(scenario, small_disk, "disk full", lambda data: fill(small_disk),
                                     lambda data: (small_disk / "filler").unlink(), ["disk is full"])
    print(f"\ndisk full after each of {len(points)} writes survived; {failed} runs failed with the message, the others had written all they needed")
    assert failed >= len(points) // 2  # the fault really struck


def test_store_made_read_only_after_every_write_then_rerun(scenario, tmp_path):
    if not can_mount():
        pytest.skip("needs root and setpriv (util-linux) to run the ingest without root's permission override")
    points = scenario[3]
    failed = fault_after_every_write(
        scenario, tmp_path, "read-only", lambda data: subprocess.run(["chmod", "-R", "a-w", str(data)], check=True),
        lambda data: subprocess.run(["chmod", "-R", "u+w", str(data)], check=True),
        ["cannot be written", "disk is full", "Cannot open the index"], unprivileged=True)
    print(f"\nread-only data directory after each of {len(points)} writes survived; {failed} runs failed with the message")


def test_a_clean_ingest_and_an_update_agree(scenario, tmp_path):
    """The reference itself: the store updated from version 1 equals one built from version 2 alone."""
    folder, base, expected, _ = scenario
    data = tmp_path / "fresh"
    Index(make_settings(data)).ingest([folder])
    assert index_state(data) == expected
