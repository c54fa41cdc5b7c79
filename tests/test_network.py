"""No network connections except the configured endpoints: ingest and answers run with an
audit hook that records every socket connect and DNS lookup."""

import json
import subprocess
import sys

from conftest import CORPUS

PROBE = r"""
import json, sys
events = []
def hook(event, args):
    if event == "socket.connect":
        events.append(["connect", repr(args[1])])
    elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
        events.append(["lookup", repr(args[0])])
sys.addaudithook(hook)
from assistant.cli import main
codes = [main(argv) for argv in json.loads(sys.argv[1])]
print("EVENTS " + json.dumps({"codes": codes, "events": events}))
"""


def run_probe(commands, env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands)], capture_output=True, text=True, timeout=300, env=env)
    line = next(out for out in done.stdout.splitlines() if out.startswith("EVENTS "))
    return json.loads(line[len("EVENTS "):])


def test_embedded_ingest_search_and_extractive_answers_make_no_connection(tmp_path):
    data = str(tmp_path / "data")
    result = run_probe([
        ["--data-dir", data, "ingest", str(CORPUS)],
        ["--data-dir", data, "search", "Budget für Social Media"],
        ["--data-dir", data, "ask", "Wie viel Prozent der Diskussion über Banken findet in sozialen Medien statt?", "--backend", "extractive"],
        ["--data-dir", data, "ask", "What does the Latin word socius mean?", "--backend", "extractive"],
    ])
    assert result["codes"] == [0, 0, 0, 0]
    assert result["events"] == [], result["events"]


def test_server_mode_connects_only_to_the_configured_chroma(tmp_path, chroma_server):
    port = chroma_server.rsplit(":", 1)[1]
    result = run_probe([
        ["--data-dir", str(tmp_path / "data"), "--chroma-url", chroma_server, "info"],
        ["--data-dir", str(tmp_path / "data"), "--chroma-url", chroma_server, "search", "Budget"],
    ])
    assert result["codes"] == [0, 0]
    connects = [e for kind, e in result["events"] if kind == "connect"]
    assert connects and all(f"'127.0.0.1', {port}" in e for e in connects), result["events"]
    lookups = [e for kind, e in result["events"] if kind == "lookup"]
    assert all("127.0.0.1" in e or "localhost" in e for e in lookups), lookups
