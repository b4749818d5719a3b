"""Issue 14's table, one row at a time: hostile inputs, budgets, interrupts, clean errors.

Each test names its row (`row01`, ...). Commands run as a user runs them, in a
child process (`python -m tidegate.proofs`), where the row is about the
program's own behaviour (signals, streams, processes left behind).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.adapters import HOSTILE
from tidegate.proofs.cli import main
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.traces import TraceFileError, load_trace_files, load_traces

TIDEGATE = [sys.executable, "-m", "tidegate.proofs"]
SERVE = f"{sys.executable} -m tidegate.proofs serve --subject impl"


def tidegate(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the tidegate program with `args`; its exit code, stdout and stderr."""
    return subprocess.run([*TIDEGATE, *args], capture_output=True, text=True, timeout=timeout)


def write_trace(path: Path, capacity: object, cap: object = 1, steps: object = ()) -> Path:
    line = json.dumps({"id": "t", "capacity": capacity, "cap": cap, "steps": list(steps)})  # type: ignore[call-overload]
    path.write_text(line + "\n")
    return path


# --- row 1: huge parameters in a trace file; shrinking that bisects ---------------------


@pytest.mark.parametrize(
    ("capacity", "cap", "words"),
    [
        (2**63, 1, "capacity must be <= 2305843009213693951, got 9223372036854775808"),
        (10**30, 1, "capacity must be <= 2305843009213693951"),
        (2**61, 1, "capacity must be <= 2305843009213693951, got 2305843009213693952"),
        (1, 2**64, "cap must be <= 18446744073709551615"),
    ],
)
def test_row01_trace_loader_refuses_parameters_the_protocol_refuses(
    tmp_path: Path, capacity: int, cap: int, words: str
) -> None:
    path = write_trace(tmp_path / "big.jsonl", capacity, cap)
    with pytest.raises(TraceFileError, match=r"PROTOCOL\.md's range for new") as info:
        load_traces(path)
    assert f"{path}:1: {words}" in str(info.value)


def test_row01_protocol_extremes_are_accepted(tmp_path: Path) -> None:
    path = write_trace(tmp_path / "edge.jsonl", 2**61 - 1, 2**64 - 1)
    (trace,) = load_traces(path)
    assert (trace.capacity, trace.cap) == (2**61 - 1, 2**64 - 1)


def test_row01_conform_with_a_huge_trace_is_a_usage_error_at_once(tmp_path: Path) -> None:
    path = write_trace(tmp_path / "big.jsonl", 10**30)
    start = time.monotonic()
    done = tidegate(
        "conform", "--adapter", SERVE, "--traces", str(path), "--no-recordings",
        "--time-budget", "10", timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert time.monotonic() - start < 30
    assert "tidegate conform: error:" in done.stderr and "capacity must be <=" in done.stderr
    assert "Traceback" not in done.stderr


def test_row01_shrinking_bisects_a_capacity_of_five_billion(tmp_path: Path) -> None:
    # A port keeping free slots in an i32 diverges for capacity >= 2^31: from 5e9, the
    # shrinker must reach 2^31 in a few dozen runs, not one run per value.
    step = {"op": "capacity", "result": {"ok": 5 * 10**9}}
    path = write_trace(tmp_path / "i32.jsonl", 5 * 10**9, 1, [step])
    start = time.monotonic()
    done = tidegate(
        "conform", "--adapter", f"{HOSTILE} capacity-i32", "--traces", str(path),
        "--no-recordings", "--max-examples", "0", "--time-budget", "60", timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert time.monotonic() - start < 60
    assert "new(capacity=2147483648, cap=0)" in done.stdout
    runs = int(done.stdout.split(" shrinking runs")[0].rsplit(" ", 1)[1])
    assert runs < 200


def test_row01_a_spent_budget_shrinks_nothing() -> None:
    from tidegate.model import OK, Ok, Op, OpName
    from tidegate.proofs.conform.cases import Case

    case = Case(5 * 10**9, 1, (Op(OpName.CAPACITY),))
    found = Mismatch(case, (OK, Ok(5 * 10**9)), (OK, Ok(-(2**31))))
    runs: list[Case] = []

    def test(candidate: Case) -> Mismatch | None:
        runs.append(candidate)
        return None

    spent = Budget(0)
    best, attempts, complete = shrink_mismatch(found, test, spent)
    assert (best, attempts, complete, runs) == (found, 0, False, [])


# --- row 5: anchor runs too short to count ----------------------------------------------


def test_row05_short_anchor_runs_leave_the_goal_unmet() -> None:
    # Without the deep runs (which would find the backlog of nine), only the anchors do.
    done = tidegate(
        "conform", "--adapter", f"{HOSTILE} backlog-9", "--max-steps", "1", "--no-deep"
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "not a pass: 0 of the 6 anchor runs ran at least 100 steps" in done.stdout
    assert "INCONCLUSIVE" in done.stdout


def test_row05_the_default_run_finds_a_backlog_of_nine() -> None:
    done = tidegate("conform", "--adapter", f"{HOSTILE} backlog-9", "--no-recordings")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DIVERGED" in done.stdout


# --- row 12: empty trace files, duplicate or integer ids, an item where none belongs -----

ONE = {"op": "len", "result": {"ok": 0}}


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["", "  "], "holds no trace (every line is blank)"),
        (
            [json.dumps({"id": "a", "capacity": 1, "cap": 1, "steps": []})] * 2,
            ":2: trace id 'a' is already the id of line 1",
        ),
        (
            [json.dumps({"id": 7, "capacity": 1, "cap": 1, "steps": []})],
            ":1: trace field 'id' must be a non-empty string, got 7",
        ),
        (
            [json.dumps({"id": "x", "capacity": 1, "cap": 1, "steps": [{**ONE, "item": 3}]})],
            ":1: step 0: op len takes no item, got 'item': 3",
        ),
        (
            ['{"id": "x", "capacity": 1, "cap": 1, "steps": [{"op": "len", "x": NaN}]}'],
            ":1: not a trace (NaN is not JSON)",
        ),
    ],
)
def test_row12_trace_files_that_are_no_suite_are_refused(
    tmp_path: Path, lines: list[str], words: str
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(TraceFileError) as info:
        load_traces(path)
    assert words in str(info.value)


def test_row12_a_trace_id_given_in_two_files_is_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path in (first, second):
        path.write_text(json.dumps({"id": "same", "capacity": 1, "cap": 1, "steps": []}) + "\n")
    with pytest.raises(TraceFileError, match=f"{second}: trace id 'same' is also the id"):
        load_trace_files([first, second])


@pytest.mark.parametrize("command", [["replay"], ["conform", "--adapter", SERVE]])
def test_row12_an_empty_trace_file_is_a_usage_error(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main([*command, "--traces", str(empty)]) == 2
    err = capsys.readouterr().err
    assert f"error: trace file {empty} holds no trace" in err


# --- row 14: output after the input closed; a descendant in a session of its own --------


def test_row14_a_line_written_after_input_closes_is_reported() -> None:
    done = tidegate(
        "conform", "--adapter", f"{HOSTILE} extra-at-exit", "--no-recordings",
        "--max-examples", "0", "--no-deep",
    )  # fmt: skip
    # An adapter that breaks the protocol mid-run (here, at its end) exits 4 (issue 12).
    assert done.returncode == 4, done.stdout + done.stderr
    assert "tidegate conform: error: during the end of the session" in done.stderr
    assert """wrote '{"ok":null}' after its input closed""" in done.stderr


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to see the process")
def test_row14_a_descendant_in_its_own_session_ignoring_sigterm_is_ended(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    done = tidegate(
        "conform", "--adapter", f"{HOSTILE} setsid-child {pidfile}", "--no-recordings",
        "--max-examples", "0", "--no-deep",
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr  # the anchors did not run
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return not handle.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return False
