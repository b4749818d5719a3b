"""Ctrl-C at any stage: no process left behind, what ran is summarized, exit 3, nothing on
standard error but `interrupted` (issue 14, item 6 and rows 3 and 16).

Each test sends a real SIGINT to a real `tidegate` process, at a moment chosen from what
it has printed, and then checks every process it had started by then is gone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.tidegate_run import (
    TIDEGATE,
    after,
    command_line,
    interrupt,
    printed,
    running,
    wait_gone,
)

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc"), reason="needs /proc to see the processes left behind"
)

QUICK = ["verify", "--profile", "quick"]


def assert_clean(run: object, *, summary: str) -> None:
    """Exit 3, `summary` printed, nothing on stderr but `interrupted`, every process gone."""
    from tests.support.tidegate_run import Interrupted

    assert isinstance(run, Interrupted)
    assert run.code == 3, run.stdout[-3000:] + run.stderr[-3000:]
    assert summary in run.stdout, run.stdout[-3000:]
    assert "Traceback" not in run.stderr and "never awaited" not in run.stderr, run.stderr
    assert run.stderr.strip() in ("", "interrupted"), run.stderr
    assert run.seconds_to_exit < 15
    left = wait_gone(run.family)
    assert not left, [command_line(p) for p in left]


# verify: the checks run in order (quick profile): recordings (model), recordings (impl),
# differential, explore x4, witnesses, findings, conform, interleave; CrossHair beside them.
VERIFY_MOMENTS = {
    "while starting": after(0.5),
    "during the differential": printed(r"pass recordings \(impl\)"),
    "during conform, CrossHair in the background": printed(r"pass findings"),
    "during interleave": printed(r"pass conform"),
}


@pytest.mark.parametrize("moment", list(VERIFY_MOMENTS))
def test_verify_interrupted_leaves_nothing_and_summarizes(moment: str) -> None:
    run = interrupt(QUICK, VERIFY_MOMENTS[moment])
    if moment == "while starting" and "tidegate verify:" not in run.stdout:
        assert_clean(run, summary="")  # interrupted before verify began: nothing to sum up
        return
    assert_clean(run, summary="interrupted: ")
    assert "Summary" in run.stdout and "INCONCLUSIVE" in run.stdout
    if moment != "during interleave":  # the last check: none is left not to run
        assert "not run: verify was interrupted before it" in run.stdout


def test_row03_crosshair_workers_end_with_the_interrupt() -> None:
    def crosshair_running(_: str, _pid: int) -> bool:
        return any("crosshair" in command_line(pid) for pid in _verify_family())

    pids: list[int] = []

    def _verify_family() -> list[int]:
        # The verify process is the newest child of this test that runs tidegate.
        from tidegate.proofs import processes

        family = [p for p, _ in processes.descendants(os.getpid())]
        pids[:] = [p for p in family if "crosshair" in command_line(p)]
        return family

    run = interrupt(QUICK, crosshair_running)
    assert pids, "no CrossHair worker was seen"
    assert_clean(run, summary="interrupted: ")
    assert not wait_gone(pids)


def test_row16_interleave_interrupted_says_nothing_of_coroutines() -> None:
    run = interrupt(["interleave", "--scenario", "capacity=2,cap=2,wire=6,producers=2"], after(4.0))
    assert_clean(run, summary="INCONCLUSIVE")
    assert "schedules over" in run.stdout


@pytest.mark.parametrize(
    ("args", "summary"),
    [
        (
            ["conform", "--adapter", f"{sys.executable} -m tidegate.proofs serve"],
            "stopped before every case ran: interrupted",
        ),
        (
            ["explore", "--engine", "reference", "--capacity", "4", "--cap", "8"]
            + ["--queue-items", "14", "--other-items", "6"],
            "INCOMPLETE: interrupted",
        ),
    ],
)
def test_every_command_interrupted_summarizes_what_ran(args: list[str], summary: str) -> None:
    run = interrupt(args, after(2.5))
    assert_clean(run, summary=summary)


def test_replay_interrupted_says_how_far_it_got(tmp_path: os.PathLike[str]) -> None:
    long = os.path.join(tmp_path, "long.jsonl")
    steps = [{"op": "len", "result": {"ok": 0}}] * 400_000
    with open(long, "w") as handle:
        json.dump({"id": "long", "capacity": 1, "cap": 1, "steps": steps}, handle)
        handle.write("\n")
    run = interrupt(["replay", "--traces", long], printed(r"^model: "))
    assert_clean(run, summary="stopped (interrupted) after 0/1 traces")


def test_traces_generate_interrupted_keeps_whole_lines(tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(tmp_path, "suite.jsonl")
    run = interrupt(
        ["traces", "generate", "--out", out, "--max-capacity", "20", "--max-cap", "20"],
        after(2.5),
    )
    assert_clean(run, summary="stopped (interrupted)")
    from tidegate.proofs.protocol.traces import load_traces

    assert load_traces(out)  # every line written is a whole trace


@pytest.mark.parametrize(
    "args",
    [
        ["explore", "--capacity", "2", "--cap", "2", "--queue-items", "4", "--other-items", "3"],
        ["replay"],
        QUICK,
    ],
)
def test_row16_a_reader_that_stops_reading_ends_the_run_quietly(args: list[str]) -> None:
    # `tidegate ... | head -1`: the pipe closes after the first line.
    proc = subprocess.Popen(
        [*TIDEGATE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    code = proc.wait(timeout=60)
    err = proc.stderr.read()
    proc.stderr.close()
    assert code == 3 and err == "", err
    assert not running(proc.pid)
