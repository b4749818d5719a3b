"""What every capability of proofs/ shares: verdicts, exit codes, profiles, checks, errors.

A check (`Check`) is a function from a `CheckContext` to a `CheckResult` whose
`Verdict` says whether it holds. `tidegate verify` runs the checks and times
each one; `tidegate.proofs.cli` turns a command's verdict into its `ExitCode`,
and every `TidegateError` (a usage or input error) into exit code 2.
"""

from __future__ import annotations

import enum
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich takes a while to import: the command line starts without it
    from rich.console import Console


class TidegateError(Exception):
    """The root of every usage or input error of proofs/: a bad command line, a bad input
    file, an adapter that broke the protocol. Its message names the value and the rule."""


class AdapterFailure(TidegateError):
    """Raised by a command whose adapter failed mid-run (it died, hung, or broke the
    protocol), after the report of what ran: exit code 4, not a usage error's 2."""


class BudgetExhausted(Exception):
    """Raised by `Budget.check()` when the budget has run out; its message says which part
    (time, memory, steps) or that the run was interrupted."""


class Verdict(enum.Enum):
    """A check's conclusion. Only PASS counts as a pass."""

    PASS = "pass"
    FAIL = "FAIL"
    INCONCLUSIVE = "inconclusive"
    """A budget ran out before the check's bounds were covered."""


class ExitCode(enum.IntEnum):
    """The exit codes of every tidegate command, the same for all so CI can rely on them."""

    OK = 0
    """Every check held."""
    FAILED = 1
    """A check failed or a subject diverged."""
    USAGE = 2
    """Bad command line, bad input file, or an adapter command that cannot be started."""
    INCONCLUSIVE = 3
    """A budget ran out before the bounds were covered: not a pass."""
    ADAPTER_FAILED = 4
    """An adapter died, hung or broke the protocol mid-run (`conform`): its shortest failing
    trace is shown, as a divergence's is."""


class Profile(enum.Enum):
    """How hard `tidegate verify` works: quick (< 20 s), default (< 2 min), thorough."""

    QUICK = "quick"
    DEFAULT = "default"
    THOROUGH = "thorough"


@dataclass
class CheckResult:
    """One check's outcome: how much it covered, how long it took, and what it found.

    `seconds` is set by whoever runs the check (`tidegate verify` times each one);
    `details` explain a FAIL or INCONCLUSIVE (counterexamples, traces); `findings`
    are statements about the design, reported whatever the verdict.
    """

    name: str
    verdict: Verdict
    cases: int
    unit: str
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    coverage: str | None = None
    """What the check reached of its subject's transitions, where that applies (e.g.
    `64/64 protocol transitions (66 in the model)`); None elsewhere."""


@dataclass(frozen=True)
class CheckContext:
    """What every check is given: the profile, the seed, where to print progress, and the
    run's `Budget` (each check takes its own part with `budget.sub(seconds)`, and stops,
    inconclusive, when it runs out or the run is interrupted)."""

    profile: Profile
    seed: int
    console: Console
    budget: Budget = field(default_factory=lambda: Budget())


Check = Callable[[CheckContext], CheckResult]


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def resident_memory() -> int | None:
    """Bytes this process holds in physical memory now (Linux), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(text: str) -> int:
    """Bytes from `512M`, `8G`, `1.5g`, `1000000` (suffixes are powers of 1024; a trailing
    `B`/`iB` is allowed). Raises ValueError naming the text and the form, or if not > 0."""
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = t[-1:] if t[-1:] in _SIZE_UNITS else ""
    try:
        value = float(t[: len(t) - len(unit)])
    except ValueError:
        value = float("nan")
    if not (value > 0 and value * _SIZE_UNITS[unit] < 2**63):
        raise ValueError(f"{text!r} is not a size > 0 such as 512M, 8G or 1000000 (bytes)")
    return int(value * _SIZE_UNITS[unit])


def show_size(n: int) -> str:
    """`n` bytes for a person: `1.5 GiB`, `300 MiB`."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


def default_memory_limit() -> int | None:
    """The resident memory a run may hold unless told otherwise: `TIDEGATE_MAX_MEMORY` (a
    size such as `8G`) if set, else half the machine's physical memory, so that a run which
    outgrows it stops inconclusive long before the kernel's OOM killer would end it."""
    configured = os.environ.get("TIDEGATE_MAX_MEMORY")
    if configured:
        try:
            return parse_size(configured)
        except ValueError as exc:
            raise TidegateError(f"TIDEGATE_MAX_MEMORY: {exc}") from None
    total = physical_memory()
    return None if total is None else total // 2


_INTERRUPTED = threading.Event()


def note_interrupt() -> None:
    """Record that the program was interrupted (Ctrl-C, SIGTERM): from now on every `Budget`
    has run out, even where the KeyboardInterrupt itself was swallowed (Python ignores an
    exception raised in a garbage-collector callback, and a library may catch one)."""
    _INTERRUPTED.set()


def interrupted() -> bool:
    """True once `note_interrupt` was called (and not cleared since)."""
    return _INTERRUPTED.is_set()


def clear_interrupt() -> None:
    """Forget an earlier interrupt (a new command starts in the same process)."""
    _INTERRUPTED.clear()


class Budget:
    """What a run may spend, checked in one place by every long loop of proofs/.

    Three limits, any of them None for none: `seconds` of wall time (a deadline
    on the monotonic clock, fixed when the budget is made), `memory` (bytes this
    process may hold resident; read from the system at most every 0.1 s), and
    `steps` (units of work the loop counts with `spend`). A fourth way to run
    out is `interrupt()` (Ctrl-C): it stops every budget of the run at once.

    `sub(seconds, steps=...)` gives a budget for one part of a run: its deadline is
    the earlier of its own and its parent's, its memory limit the parent's, and it
    runs out whenever its parent does (interrupted, out of time or out of memory);
    its steps are its own. `sub(..., outlast=True)` is for finishing what the run
    found (shrinking a failure): its deadline is its own even past its parent's,
    and only an interrupt or the memory limit ends it early.

    Loops poll `exhausted()` (None, or why the budget ran out) and stop there
    with what they have, marking their result inconclusive; code deep inside a
    step may call `check()`, which raises `BudgetExhausted` instead. Running out
    is never an error: every command reports it as inconclusive, exit 3, with how
    far it got.
    """

    _MEMORY_EVERY = 0.1
    """Seconds between two reads of the resident memory (a read costs a system call)."""

    def __init__(
        self,
        seconds: float | None = None,
        *,
        memory: int | None = -1,
        steps: int | None = None,
        parent: Budget | None = None,
        outlast: bool = False,
    ) -> None:
        """`memory` -1 means `default_memory_limit()` (or the parent's, for a sub-budget)."""
        if seconds is not None and not seconds >= 0:
            raise ValueError(f"a time budget must be a number of seconds >= 0, got {seconds!r}")
        self.started = time.monotonic()
        self.seconds = seconds
        deadline: float | None = None if seconds is None else self.started + seconds
        if parent is not None and parent.deadline is not None and not outlast:
            deadline = parent.deadline if deadline is None else min(deadline, parent.deadline)
        self.deadline: float | None = deadline
        if memory == -1:
            memory = parent.memory if parent is not None else default_memory_limit()
        self.memory: int | None = memory
        self.steps = steps
        self.spent = 0
        self._parent = parent
        self._outlast = outlast
        self._stopped: str | None = None
        self._memory_at = 0.0

    def sub(
        self, seconds: float | None = None, *, steps: int | None = None, outlast: bool = False
    ) -> Budget:
        """A budget for one part of this run (see the class docstring)."""
        return Budget(seconds, steps=steps, parent=self, outlast=outlast)

    def spend(self, units: int = 1) -> None:
        """Count `units` of work against the step limit."""
        self.spent += units

    def left(self) -> float | None:
        """Seconds until the deadline (never below 0), or None without one."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def interrupt(self, reason: str = "interrupted") -> None:
        """Stop the whole run (this budget's root and so every budget made from it)."""
        root = self
        while root._parent is not None:
            root = root._parent
        if root._stopped is None:
            root._stopped = reason

    @property
    def interrupted(self) -> bool:
        """True once `interrupt()` (or the memory limit) stopped the whole run, or the
        program was interrupted (`note_interrupt`)."""
        root = self
        while root._parent is not None:
            root = root._parent
        return root._stopped is not None or _INTERRUPTED.is_set()

    def exhausted(self) -> str | None:
        """None while the budget lasts, else why it ran out, in words (`the time budget
        of 10s ran out`, ...). Once out of memory or interrupted, it stays out."""
        if self._stopped is not None:
            return self._stopped
        if _INTERRUPTED.is_set():
            return "interrupted"
        if self._parent is not None:
            above = self._parent.exhausted()
            if above is not None and (not self._outlast or self.interrupted):
                return above
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            given = self.seconds if self.seconds is not None else self.deadline - self.started
            return f"the time budget ({given:g}s) ran out"
        if self.steps is not None and self.spent >= self.steps:
            return f"the step limit ({self.steps:,}) was reached"
        if self.memory is not None and self._parent is None and now >= self._memory_at:
            self._memory_at = now + self._MEMORY_EVERY
            held = resident_memory()
            if held is not None and held >= self.memory:
                self._stopped = (
                    f"the memory limit ({show_size(self.memory)} resident) was reached "
                    f"({show_size(held)} held; TIDEGATE_MAX_MEMORY sets the limit)"
                )
                return self._stopped
        return None

    def check(self) -> None:
        """Raise `BudgetExhausted` if the budget has run out."""
        reason = self.exhausted()
        if reason is not None:
            raise BudgetExhausted(reason)
