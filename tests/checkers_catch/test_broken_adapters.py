"""Adapters that break the protocol end the run in seconds, with exit 4, naming what happened."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.adapters import BAD
from tidegate.proofs.cli import exit_code
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import ExitCode, Verdict
from tidegate.proofs.protocol.adapter import Adapter, AdapterError, Breach

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
    ("mode", "breach", "says"),
    [
        ("crash", Breach.EXITED, ["exited while answering " + AT_20, "port panicked"]),
        ("exit", Breach.EXITED, ["(exit code 0) exited while answering " + AT_20]),
        ("garbage", Breach.NON_ANSWER, ["answered " + AT_20 + " with '\\x00", "not an answer"]),
        ("json-noise", Breach.NON_ANSWER, ['with \'{"debug": "state dump"', "not an answer"]),
        ("stdout-diag", Breach.NON_ANSWER, ['answered {"op":"new","capacity":1,"cap":1} with']),
    ],
)
def test_an_adapter_that_fails_mid_run_fails_with_the_trace(
    mode: str, breach: Breach, says: list[str]
) -> None:
    # bad.py misbehaves at its 20th request whatever it is, so no shorter trace shows it
    # on a fresh process: the trace ends where it failed (at new: from the start).
    start = time.monotonic()
    outcome = conform(f"{BAD} {mode} 20", Settings(op_timeout=5))
    assert time.monotonic() - start < 10
    assert outcome.verdict is Verdict.FAIL and outcome.adapter_failed and outcome.error is None
    assert outcome.found is not None and outcome.minimal is not None
    assert outcome.found.breach is breach and outcome.minimal.breach is breach
    assert len(outcome.minimal.answers) == len(outcome.minimal.expected) - 1
    assert exit_code(outcome.conclusion()) is ExitCode.ADAPTER_FAILED
    for text in says:
        assert text in outcome.found.error


def test_an_extra_answer_line_is_an_adapter_failure() -> None:
    outcome = conform(f"{BAD} extra 20", Settings(op_timeout=5))
    assert outcome.verdict is Verdict.FAIL and outcome.adapter_failed and outcome.found is None
    assert outcome.error is not None
    # Read ahead in a batch, the stray line is met at the next request written, or, when it
    # comes later than the batch's answers, by the unknown op that checks they are in step.
    assert outcome.error.breach is Breach.EXTRA_LINE
    assert re.search(
        r"wrote an extra line|out of step .* \(an extra answer line\?\)", str(outcome.error)
    )
    assert exit_code(outcome.conclusion()) is ExitCode.ADAPTER_FAILED


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
    # A hang is not shrunk (each try costs the timeout), only confirmed on a fresh process.
    assert time.monotonic() - start < 15
    assert done.returncode == ExitCode.ADAPTER_FAILED
    assert f"gave no answer to {AT_20} within 1s; killed it" in done.stderr
    assert "(gave no answer in time)   <-- differs" in done.stdout
    assert "ADAPTER FAILED" in done.stdout and "(exit 4)" in done.stdout
    adapter_pid, child_pid = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while not (gone(adapter_pid) and gone(child_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(adapter_pid) and gone(child_pid)


def test_an_adapter_that_does_not_flush_is_asked_whether_it_flushes() -> None:
    start = time.monotonic()
    outcome = conform(f"{BAD} no-flush", Settings(op_timeout=1))
    assert time.monotonic() - start < 10
    assert outcome.adapter_failed
    assert outcome.found is not None and outcome.found.breach is Breach.NO_ANSWER
    assert 'gave no answer to {"op":"new","capacity":1,"cap":1} within 1s, but wrote ' in (
        outcome.found.error
    )
    assert "does it flush standard output after each answer?" in outcome.found.error


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
