"""The processes tidegate starts (adapters, CrossHair workers), and ending every one of them.

`spawn` starts a command in a process group of its own (so Ctrl-C in a
terminal reaches tidegate alone, and tidegate decides how its children end)
and records it; `end` kills the group and every descendant it saw, and
`end_all` ends whatever is still recorded: `tidegate`'s command line calls it
however a command ends (normally, on an error, on Ctrl-C or SIGTERM).

A descendant that leaves its group (`setsid`) is still found while it has a
parent tidegate knows: `end` walks the process tree (on Linux, /proc) before it
kills. One whose parent already exited is orphaned; the `tidegate` program
registers itself as the subreaper of its descendants (Linux `prctl`), so such
an orphan becomes tidegate's own child and `sweep_orphans` ends it as the
program exits. Elsewhere (no /proc, no subreaper) only the process groups are
ended: a descendant that starts its own session and outlives its parent can
survive the run there.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

_LIVE: dict[int, subprocess.Popen[Any]] = {}
_LOCK = threading.Lock()
_PR_SET_CHILD_SUBREAPER = 36


def spawn(argv: Sequence[str], **options: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen(argv, **options)` in a new session (its own process group), recorded
    until `end` ends it. Raises OSError when the command cannot be started."""
    proc: subprocess.Popen[Any] = subprocess.Popen(argv, start_new_session=True, **options)
    with _LOCK:
        _LIVE[proc.pid] = proc
    return proc


def end(proc: subprocess.Popen[Any]) -> None:
    """Kill `proc`'s process group and every descendant of it seen now, at once (SIGKILL: no
    grace; give it one before calling this), wait for `proc` and reap the descendants that
    are tidegate's own children."""
    family = descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    end_family(family)
    with _LOCK:
        _LIVE.pop(proc.pid, None)


def end_family(family: Sequence[tuple[int, int]]) -> None:
    """Kill (SIGKILL) and reap each (pid, start time) of `family`, as `descendants` gave
    them, that still runs; a pid since given to another process is left alone."""
    for pid, started in family:
        _kill_if_same(pid, started)
    for pid, _ in family:
        _reap(pid)


def end_all() -> None:
    """`end` every process still recorded (those of an interrupted or failed command)."""
    with _LOCK:
        live = list(_LIVE.values())
    for proc in live:
        end(proc)


def live() -> list[int]:
    """The pids of the processes started by `spawn` and not yet ended."""
    with _LOCK:
        return [pid for pid, proc in _LIVE.items() if proc.poll() is None]


def become_subreaper() -> bool:
    """Make this process the subreaper of its descendants (Linux), so that their orphans
    become its children rather than init's. True when it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def sweep_orphans() -> None:
    """Kill and reap every child of this process that it did not start with `spawn`:
    orphans of its adapters and workers that it inherited as their subreaper. Only the
    `tidegate` program calls this, as it exits (a library caller's children are its own)."""
    mine = set(live())
    for pid, started in _children(os.getpid()):
        if pid not in mine:
            _kill_if_same(pid, started)
            _reap(pid)


def descendants(pid: int) -> list[tuple[int, int]]:
    """Every descendant of `pid` now, as (pid, start time) (Linux /proc; [] elsewhere)."""
    parents = _process_table()
    found: list[tuple[int, int]] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, started) in parents.items():
            if ppid == parent:
                found.append((child, started))
                frontier.append(child)
    return found


def _children(pid: int) -> list[tuple[int, int]]:
    return [(c, started) for c, (ppid, started) in _process_table().items() if ppid == pid]


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, start time in clock ticks) for every process /proc shows."""
    table: dict[int, tuple[int, int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if name.isdigit():
            stat = _stat(int(name))
            if stat is not None:
                table[int(name)] = stat
    return table


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of `pid` from /proc/PID/stat, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields resume after the
    # last ')'. Then: state, ppid, ..., starttime (field 22).
    fields = text[text.rfind(b")") + 2 :].split()
    try:
        return int(fields[1]), int(fields[19])
    except (IndexError, ValueError):
        return None


def _kill_if_same(pid: int, started: int) -> None:
    """SIGKILL `pid` unless it has exited and its number was given to another process."""
    stat = _stat(pid)
    if stat is not None and stat[1] == started:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    """Collect `pid`'s exit status if it is a child of this process (a subreaper's orphan)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0 if _stat(pid) is not None and _is_child(pid) else os.WNOHANG)


def _is_child(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] == os.getpid()
