"""Issue 14's table, one row at a time: hostile inputs, budgets, interrupts, clean errors.

Each test names its row (`row01`, ...). Commands run as a user runs them, in a
child process (`python -m tidegate.proofs`), where the row is about the
program's own behaviour (signals, streams, processes left behind).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.adapters import HOSTILE
from tests.support.tidegate_run import TIDEGATE, in_terminal, tidegate, wait_gone
from tidegate.proofs.cli import main
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.traces import TraceFileError, load_trace_files, load_traces

SERVE = f"{sys.executable} -m tidegate.proofs serve --subject impl"


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


# --- found by the long fuzz run: an answer nested too deep for the JSON parser ----------


def test_an_answer_nested_thousands_deep_is_a_non_answer(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps(["[" * 3000 + "\n"]))
    done = tidegate(
        "conform", "--adapter", f"{HOSTILE} scripted {script}", "--no-recordings",
        "--max-examples", "1", "--max-steps", "10", "--no-deep",
    )  # fmt: skip
    # Once a RecursionError escaped json.loads: a traceback and exit 1.
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 4, done.stdout + done.stderr[-2000:]
    assert "which is not an answer of PROTOCOL.md" in done.stderr


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
    assert not wait_gone([int(pidfile.read_text())])


# --- row 2: a huge --other-items is bounded, and the budget holds from the start -------


def peak_memory_kib(args: list[str]) -> tuple[int, int]:
    """Run `tidegate ARGS` in a child of a fresh interpreter; its exit code and peak RSS."""
    probe = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *TIDEGATE, *args], capture_output=True, text=True, timeout=120
    )
    code, kib = done.stdout.split()
    return int(code), int(kib)


def test_row02_other_items_by_the_million_cost_nothing_before_the_budget() -> None:
    start = time.monotonic()
    code, kib = peak_memory_kib(["explore", "--other-items", "10000000", "--max-seconds", "2"])
    assert code == 3
    assert time.monotonic() - start < 30  # was 43 s and 4.5 GB
    assert kib < 1_000_000


def test_row02_other_items_beyond_the_item_range_is_a_usage_error() -> None:
    done = tidegate("explore", "--other-items", str(10**30))
    assert done.returncode == 2
    assert "--other-items: must be an integer >= 0 and <= 9,223,372,036,854,774,807" in done.stderr
    assert "Traceback" not in done.stderr


# --- row 4: a --queue-class that raises: that check FAILs, the run goes on ---------------


def test_row04_a_check_that_raises_fails_and_the_run_goes_on() -> None:
    from tests.support.hostile_queues import ExitsMidway, MissesAKey
    from tidegate.proofs.core import CheckContext, Profile, Verdict
    from tidegate.proofs.recordings.check import check_recordings, check_recordings_on
    from tidegate.proofs.verify import run_checks

    checks = [
        functools.partial(check_recordings_on, MissesAKey),
        functools.partial(check_recordings_on, ExitsMidway),
        functools.partial(check_recordings, "model"),
    ]
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    results = run_checks(checks, ctx)
    assert [r.verdict for r in results] == [Verdict.FAIL, Verdict.FAIL, Verdict.PASS]
    assert "the check raised KeyError: 'slot'" in results[0].details
    assert "the check raised SystemExit: 0" in results[1].details


def test_row04_verify_with_a_queue_class_that_exits_fails_with_a_summary(tmp_path: Path) -> None:
    junit = tmp_path / "verify.xml"
    done = tidegate(
        "verify", "--profile", "quick", "--serial", "--queue-class",
        "tests.support.hostile_queues:ExitsMidway", "--junit-xml", str(junit), timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Summary" in done.stdout and "the check raised SystemExit: 0" in done.stdout
    assert "a check FAILED" in done.stdout
    assert 'failures="' in junit.read_text() and "SystemExit" in junit.read_text()


# --- row 6: values found wrong only after the run, or by a traceback ---------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["conform", "--adapter", "x", "--op-timeout", "nan"], "<= 86400, got 'nan'"),
        (["conform", "--adapter", "x", "--op-timeout", "inf"], "<= 86400, got 'inf'"),
        (["verify", "--junit-xml", "/"], "'/' is a folder, not a file"),
        (["verify", "--junit-xml", "/no/such/folder/v.xml"], "'/no/such/folder' of"),
        (["simulate", "--plot", "/no/such/folder/x.png"], "'/no/such/folder' of"),
        (["simulate", "--plot", "/sys/x.png"], "'/sys/x.png' cannot be written"),
    ],
)
def test_row06_bad_values_are_refused_before_the_run(args: list[str], words: str) -> None:
    start = time.monotonic()
    done = tidegate(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - start < 20


@pytest.mark.parametrize("command", [["replay"], ["conform", "--adapter", SERVE]])
def test_row06_a_binary_trace_file_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    binary = tmp_path / "traces.jsonl"
    binary.write_bytes(bytes(range(256)) * 4)
    done = tidegate(*command, "--traces", str(binary))
    assert done.returncode == 2
    assert f"cannot read trace file {binary}" in done.stderr and "Traceback" not in done.stderr


# --- row 7: trace lines whole in a terminal ---------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/ptmx"), reason="needs pseudo-terminals")
def test_row07_trace_lines_are_never_broken_in_a_terminal() -> None:
    code, text = in_terminal(
        [*TIDEGATE, "explore", "--capacity", "1", "--cap", "1", "--queue-items", "3"]
        + ["--other-items", "2"],
        columns=80,
    )
    assert code == 0
    traces = [line.split("trace: ", 1)[1] for line in text.splitlines() if "trace: {" in line]
    assert len(traces) >= 2
    for line in traces:
        assert json.loads(line)["steps"]  # one whole JSON line, copied as printed


# --- row 8: interleave bounded, with a time budget ------------------------------------


def test_row08_a_wire_of_100000_items_is_refused() -> None:
    done = tidegate("interleave", "--scenario", "capacity=1,cap=1,wire=100000")
    assert done.returncode == 2
    assert "scenario field wire must be from 0 to 99, got 100000" in done.stderr


def test_row08_the_time_budget_holds_and_progress_shows() -> None:
    start = time.monotonic()
    done = tidegate(
        "interleave", "--scenario", "capacity=2,cap=2,wire=8,producers=2", "--variant", "seed",
        "--time-budget", "6",
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert time.monotonic() - start < 40
    assert "stopped: the time budget (6s) ran out" in done.stdout
    assert re.search(r"capacity=2,cap=2,wire=8,producers=2: \d+ \(5s\)", done.stdout)


# --- row 9: huge runs bounded, budgets honoured, suites written as they go ---------------


def test_row09_conform_max_steps_is_bounded() -> None:
    done = tidegate("conform", "--adapter", SERVE, "--max-steps", "100000000")
    assert done.returncode == 2
    assert "--max-steps: must be an integer >= 1 and <= 1,000,000, got '100000000'" in done.stderr


def test_row09_a_million_step_run_keeps_the_time_budget() -> None:
    start = time.monotonic()
    done = tidegate(
        "conform", "--adapter", SERVE, "--no-recordings", "--max-steps", "1000000",
        "--time-budget", "5",
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert time.monotonic() - start < 40
    assert "the time budget (5s) ran out" in done.stdout


def test_row09_traces_generate_writes_as_it_goes_within_its_budget(tmp_path: Path) -> None:
    out = tmp_path / "suite.jsonl"
    code, kib = peak_memory_kib(
        ["traces", "generate", "--out", str(out), "--max-capacity", "30", "--max-cap", "30"]
        + ["--time-budget", "4"]
    )
    assert code == 3
    assert kib < 400_000  # was 1.6 GB
    assert len(load_traces(out)) > 10  # whole lines, written before the budget ran out


# --- rows 10 and 11: simulate's plot -------------------------------------------------------

MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


@pytest.mark.skipif(MATPLOTLIB, reason="matplotlib is installed: the plot can be drawn")
def test_row10_a_plot_asked_for_without_matplotlib_names_the_extra(tmp_path: Path) -> None:
    done = tidegate("simulate", "--plot", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert "pip install 'tidegate[plot]'" in done.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("plot", ["", "DIR", "DIR/x"])
def test_row11_a_plot_path_that_is_no_image_file_is_refused(tmp_path: Path, plot: str) -> None:
    (tmp_path / "DIR").mkdir()
    done = subprocess.run(
        [*TIDEGATE, "simulate", "--plot", plot], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 2
    assert "must end in .png, .svg, .pdf" in done.stderr or "names no file" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR"]


@pytest.mark.skipif(not MATPLOTLIB, reason="needs matplotlib (pip install 'tidegate[plot]')")
def test_row11_the_plot_is_written_where_it_says(tmp_path: Path) -> None:
    done = tidegate("simulate", "--plot", str(tmp_path / "sizing.svg"))
    assert done.returncode == 0
    assert f"plot written to {tmp_path / 'sizing.svg'}" in done.stdout
    assert (tmp_path / "sizing.svg").read_text().lstrip().startswith("<?xml")


# --- row 13: serve with NaN, and with its standard streams closed -------------------------


def test_row13_nan_and_infinity_are_bad_requests() -> None:
    lines = [
        '{"op":"len","x":NaN}',
        '{"op":"new","capacity":1,"cap":1,"y":-Infinity}',
        '{"op":"new","capacity":1,"cap":1}',
        '{"op":"try_send","item":Infinity}',
    ]
    done = subprocess.run(
        [*TIDEGATE, "serve"], input="\n".join(lines) + "\n", capture_output=True, text=True
    )
    assert done.stdout.splitlines() == [
        '{"err":"BadRequest"}',
        '{"err":"BadRequest"}',
        '{"ok":null}',
        '{"err":"BadRequest"}',
    ]


@pytest.mark.parametrize("closed", ["<&-", ">&-", "<&- >&- 2>&-"])
def test_row13_serve_with_a_closed_stream_exits_cleanly(closed: str) -> None:
    command = " ".join(shlex.quote(a) for a in TIDEGATE)
    done = subprocess.run(
        ["sh", "-c", f'echo \'{{"op":"len"}}\' | {command} serve {closed}'],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "Traceback" not in done.stderr and done.stderr == ""


# --- row 15: empty values, repeated keys, a folder of older ITF traces ---------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["conform", "--adapter", "x", "--time-budget", "nan"], "a number >= 0, got 'nan'"),
        (["conform", "--adapter", "x", "--save-failures", ""], "an empty path names no file"),
        (["verify", "--junit-xml", ""], "an empty path names no file"),
        (["interleave", "--replay", ""], "--replay needs a value, got an empty one"),
        (
            ["interleave", "--scenario", "capacity=1,cap=1,cap=2,wire=3"],
            "scenario field cap is given twice",
        ),
    ],
)
def test_row15_empty_or_repeated_values_are_usage_errors(args: list[str], words: str) -> None:
    done = tidegate(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert words in done.stderr


def test_row15_itf_replaces_an_older_run_and_refuses_other_files(tmp_path: Path) -> None:
    out = tmp_path / "itf"
    out.mkdir()
    (out / "gen-0-run-99.itf.json").write_text("{}")  # from an older run with more runs
    args = ["traces", "generate", "--out", str(out), "--format", "itf", "--runs", "1"]
    args += ["--max-capacity", "1", "--max-cap", "1"]
    assert tidegate(*args).returncode == 0
    names = {p.name for p in out.iterdir()}
    assert "gen-0-run-99.itf.json" not in names and "gen-0-run-0.itf.json" in names
    (out / "notes.txt").write_text("mine")
    done = tidegate(*args)
    assert done.returncode == 2
    assert "holds files that are not ITF traces (notes.txt)" in done.stderr
    assert (out / "notes.txt").read_text() == "mine" and "gen-0-run-0.itf.json" in names


# --- --version ---------------------------------------------------------------------------


def test_version_names_the_installed_distribution() -> None:
    done = tidegate("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"tidegate {importlib.metadata.version('tidegate')}"
