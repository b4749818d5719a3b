"""Adapters that break the protocol end the run in seconds, with exit 2, naming what happened."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.adapters import BAD
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import ExitCode, Verdict
from tidegate.proofs.protocol.adapter import Adapter, AdapterError

# Request 20 is the first trace's step 18: {"op":"try_recv"}.
AT_20 = '{"op":"try_recv"}'


def gone(pid: int) -> bool:
    """True when `pid` no longer runs (a zombie awaiting its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("crash", ["exited while answering " + AT_20, "RuntimeError: port panicked"]),
        ("exit", ["(exit code 0) exited while answering " + AT_20]),
        ("garbage", ["answered " + AT_20 + " with '\\x00", "not an answer of PROTOCOL.md"]),
        ("json-noise", ['with \'{"debug": "state dump"', "not an answer of PROTOCOL.md"]),
        ("extra", ['wrote an extra line \'{"err":"Empty"}\' after its answer to ' + AT_20]),
        ("stdout-diag", ['answered {"op":"new","capacity":1,"cap":1} with \'debug: ']),
    ],
)
def test_bad_adapter_is_an_adapter_error(mode: str, says: list[str]) -> None:
    start = time.monotonic()
    outcome = conform(f"{BAD} {mode} 20", Settings(op_timeout=5))
    assert time.monotonic() - start < 5
    assert outcome.verdict is Verdict.FAIL and outcome.error is not None and outcome.found is None
    assert outcome.error is not None
    for text in says:
        assert text in str(outcome.error)


def test_hanging_adapter_is_killed_with_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", "conform", "--op-timeout", "1"]
        + ["--adapter", f"{BAD} hang 20 {pids}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - start < 10
    assert done.returncode == ExitCode.USAGE
    assert f"gave no answer to {AT_20} within 1s; killed it" in done.stderr
    assert "ADAPTER ERROR" in done.stdout and "(exit 2)" in done.stdout
    adapter_pid, child_pid = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while not (gone(adapter_pid) and gone(child_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(adapter_pid) and gone(child_pid)


def test_adapter_client_kills_the_group_on_close(tmp_path: Path) -> None:
    # An adapter that leaves a child behind when its input closes: close() ends it too.
    script = "import subprocess,sys; print(subprocess.Popen(['sleep','300']).pid, flush=True)"
    adapter = Adapter(shlex.join([sys.executable, "-c", script]), timeout=5)
    child = int(adapter.receive_line())
    adapter.close(grace=0.1)
    deadline = time.monotonic() + 5
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child)


@pytest.mark.parametrize(
    ("command", "says"),
    [("", "the adapter command is empty"), ("'unclosed", "cannot parse adapter command")],
)
def test_unusable_command(command: str, says: str) -> None:
    with pytest.raises(AdapterError, match=says):
        Adapter(command)


def test_stderr_does_not_block_an_adapter() -> None:
    # 1 MB on stderr before answering: more than a pipe holds; a file takes it all.
    script = "import sys; sys.stderr.write('x' * 2**20); sys.stderr.flush(); print('{\"ok\":null}')"
    with Adapter(shlex.join([sys.executable, "-c", script]), timeout=10) as adapter:
        assert adapter.receive_line() == b'{"ok":null}'


def test_an_adapter_that_closes_stdout_but_lives_on_is_killed() -> None:
    script = "import os, time; os.close(1); time.sleep(300)"
    start = time.monotonic()
    adapter = Adapter(shlex.join([sys.executable, "-c", script]), timeout=1)
    with pytest.raises(AdapterError, match="closed its standard output while answering"):
        adapter.request({"op": "len"})
    assert time.monotonic() - start < 5
    assert gone(adapter.pid)
    adapter.close()
