"""Running the tidegate program as a user does, for the tests: in a child process, in a
terminal, interrupted with a real SIGINT; and what it left behind."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tidegate.proofs import processes

TIDEGATE = [sys.executable, "-m", "tidegate.proofs"]


def tidegate(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `tidegate ARGS` to its end: exit code, standard output and standard error."""
    return subprocess.run([*TIDEGATE, *args], capture_output=True, text=True, timeout=timeout)


def running(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return not handle.read().rsplit(") ", 1)[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_gone(pids: list[int], seconds: float = 5.0) -> list[int]:
    """The pids of `pids` still running after waiting up to `seconds` for them to end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if running(p)]


def command_line(pid: int) -> str:
    """The command line of `pid` (empty once it is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Interrupted:
    """A tidegate run interrupted with SIGINT: what it printed, how it ended, and every
    process it had started (directly or not) when the signal was sent."""

    code: int
    stdout: str
    stderr: str
    family: list[int] = field(default_factory=list)
    seconds_to_exit: float = 0.0


Moment = Callable[[str, int], bool]
"""When to interrupt a run: given what it printed so far and its pid, True once due."""


def interrupt(
    args: list[str],
    when: Moment,
    *,
    timeout: float = 120,
) -> Interrupted:
    """Start `tidegate ARGS` with SIGINT's default disposition (as from a terminal), send
    SIGINT once `when(stdout so far, pid)` is true (checked as lines come and every 50 ms),
    and wait for it to end (killing it, and failing, after `timeout`)."""
    proc = subprocess.Popen(
        [*TIDEGATE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    out: list[str] = []
    err: list[str] = []
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True),  # type: ignore[arg-type]
        threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True),  # type: ignore[arg-type]
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    try:
        while not when("".join(out), proc.pid):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the run ended (or took too long) before the moment to interrupt it: "
                    f"{''.join(out)[-2000:]}{''.join(err)[-2000:]}"
                )
            time.sleep(0.05)
        family = [pid for pid, _ in processes.descendants(proc.pid)]
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        exited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            processes.end(proc)
    for reader in readers:
        reader.join(timeout=5)
    return Interrupted(code, "".join(out), "".join(err), family, exited)


def after(seconds: float) -> Moment:
    """A moment to interrupt: once the program has used `seconds` of CPU time.

    CPU time rather than the wall clock: under a load of 10 the program spent 2.8 s of
    wall time just starting, and a wall-clock moment then fell before its handlers were
    set up (a failure of the test, not of the program)."""

    def due(_: str, pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(") ", 1)[1].split()
        except OSError:
            return False
        # utime and stime, the 14th and 15th fields of stat(5) (12th, 13th after the name)
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK") >= seconds

    return due


def printed(pattern: str) -> Moment:
    """A moment to interrupt: once standard output matches `pattern` (a regex)."""
    return lambda out, _pid: re.search(pattern, out, re.MULTILINE) is not None


def in_terminal(argv: list[str], columns: int = 80) -> tuple[int, str]:
    """Run `argv` with a pseudo-terminal of `columns` columns as its standard streams; its
    exit code and everything it wrote, terminal escape sequences removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=120)
    with contextlib.suppress(OSError):
        os.close(master)
    text = b"".join(chunks).decode(errors="replace").replace("\r", "")
    return code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
