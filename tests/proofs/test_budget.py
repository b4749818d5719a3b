"""The one Budget (time, memory, steps, Ctrl-C) and the record of child processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tidegate.proofs import processes
from tidegate.proofs.core import (
    Budget,
    BudgetExhausted,
    TidegateError,
    clear_interrupt,
    note_interrupt,
    parse_size,
    resident_memory,
    show_size,
)


def test_a_budget_without_limits_lasts() -> None:
    budget = Budget(memory=None)
    budget.spend(10**6)
    assert budget.exhausted() is None
    assert budget.left() is None
    budget.check()


def test_the_time_budget_runs_out_at_its_deadline() -> None:
    budget = Budget(0.05, memory=None)
    assert budget.exhausted() is None
    time.sleep(0.06)
    assert budget.exhausted() == "the time budget (0.05s) ran out"
    with pytest.raises(BudgetExhausted, match="time budget"):
        budget.check()


def test_steps_are_counted_against_the_step_limit() -> None:
    budget = Budget(steps=3, memory=None)
    budget.spend(2)
    assert budget.exhausted() is None
    budget.spend()
    assert budget.exhausted() == "the step limit (3) was reached"


def test_the_memory_limit_is_read_from_the_system() -> None:
    held = resident_memory()
    assert held is not None and held > 1 << 20  # a Python process holds megabytes
    assert Budget(memory=held * 4).exhausted() is None
    reason = Budget(memory=1 << 20).exhausted()
    assert reason is not None and "memory limit (1 MiB resident) was reached" in reason


def test_a_sub_budget_ends_by_the_parent_deadline_and_keeps_its_own_steps() -> None:
    parent = Budget(0.05, memory=None)
    child = parent.sub(3600, steps=2)
    assert child.deadline == parent.deadline
    child.spend(2)
    assert child.exhausted() == "the step limit (2) was reached"
    assert parent.exhausted() is None
    time.sleep(0.06)
    assert parent.sub().exhausted() == "the time budget (0.05s) ran out"


def test_an_interrupt_stops_every_budget_of_the_run() -> None:
    root = Budget(memory=None)
    first, second = root.sub(100), root.sub().sub()
    second.interrupt()
    assert root.interrupted and first.interrupted
    assert first.exhausted() == "interrupted"
    assert root.exhausted() == "interrupted"


def test_a_negative_or_nan_time_budget_is_refused() -> None:
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="time budget must be a number of seconds >= 0"):
            Budget(bad)


@pytest.mark.parametrize(
    ("text", "size"),
    [("512M", 512 << 20), ("8G", 8 << 30), ("1.5g", 3 << 29), ("1000", 1000), ("2GiB", 2 << 30)],
)
def test_sizes_read_with_binary_suffixes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "-1G", "0", "nan", "infG", "1e30T", "8Q"])
def test_bad_sizes_are_refused_naming_the_form(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size > 0 such as 512M"):
        parse_size(text)


def test_sizes_take_a_byte_suffix_fractions_and_stop_below_two_to_the_63() -> None:
    """Mutation: kills core.parse_size's mutants (the `B` suffix lost, a fraction of a unit
    refused, the bound 2**63 moved)."""
    assert [parse_size(t) for t in ("2kB", "1kb", " 3 MB ", "0.5k", "7B")] == [
        2048,
        1024,
        3 << 20,
        512,
        7,
    ]
    assert parse_size("8388607t") == (2**23 - 1) << 40
    for text in ("8388608t", "10000000t", str(2**63)):  # 2**63 bytes and more
        with pytest.raises(ValueError, match="is not a size > 0"):
            parse_size(text)


def test_sizes_show_in_binary_units() -> None:
    assert show_size(3 << 29) == "1.5 GiB"
    assert show_size(300) == "300 B"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return not handle.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to see descendants")
def test_end_kills_the_group_and_a_descendant_that_left_it() -> None:
    # The child starts a grandchild in a session of its own that ignores SIGTERM, prints its
    # pid, and waits: ending the child must end the grandchild too.
    grandchild = (
        "import os, signal, time; os.setsid(); signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        " print(os.getpid(), flush=True); time.sleep(600)"
    )
    child = (
        "import subprocess, sys, time;"
        f" p = subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(600)"
    )
    proc = processes.spawn([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pid = int(proc.stdout.readline())  # printed once it left the group
    assert proc.pid in processes.live() and _running(pid)
    processes.end(proc)
    proc.stdout.close()
    deadline = time.monotonic() + 5
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid) and proc.poll() is not None
    assert proc.pid not in processes.live()


def test_a_bad_memory_limit_in_the_environment_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIDEGATE_MAX_MEMORY", "3G")
    assert Budget().memory == 3 << 30
    monkeypatch.setenv("TIDEGATE_MAX_MEMORY", "lots")
    with pytest.raises(TidegateError, match=r"TIDEGATE_MAX_MEMORY: 'lots' is not a size"):
        Budget()


def test_a_noted_interrupt_ends_every_budget_until_cleared() -> None:
    first, second = Budget(memory=None), Budget(3600, memory=None).sub(10)
    try:
        note_interrupt()
        assert first.exhausted() == second.exhausted() == "interrupted"
        assert first.interrupted and second.interrupted
    finally:
        clear_interrupt()
    assert first.exhausted() is None and not second.interrupted


def test_the_default_memory_limit_is_half_the_machine_or_none_if_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills core.default_memory_limit 7, 8 and 11 (the machine's memory ignored,
    halved when it is unknown, or halved into a float: the limit is a count of bytes)."""
    from tidegate.proofs import core

    monkeypatch.delenv("TIDEGATE_MAX_MEMORY", raising=False)
    total = core.physical_memory()
    limit = core.default_memory_limit()
    assert total is not None and isinstance(limit, int) and limit == total // 2
    monkeypatch.setattr(core, "physical_memory", lambda: None)
    assert core.default_memory_limit() is None
