"""The one way tidegate launches CrossHair: `crosshair check` over contracts, `diffbehavior`.

CrossHair runs as `python -m crosshair check --analysis_kind=PEP316 --report_all`
in subprocesses of this interpreter, so it sees exactly the installed package.
The targets (every function and class of the given modules whose docstring
carries a `pre:`, `post:` or `inv:` line) are shared out over a few workers;
each condition gets `per_condition` CPU seconds, and the whole run is cut off
after `overall` wall seconds.

With `--report_all`, CrossHair prints one line per condition:

- `Confirmed over all paths.`: every execution path was explored: a proof,
  within CrossHair's model of Python (symbolic ints and tuples of any length);
- `Not confirmed.`: paths were explored until the budget ran out and none
  broke the condition;
- `Unable to meet precondition.`: no input satisfying the preconditions and
  the argument classes' invariants was found within the budget: nothing was
  checked;
- `error: ...`: a counterexample, the call and what it returned.

`diffbehavior(first, second, cpu_seconds)` runs `python -m crosshair
diffbehavior` on two functions and returns its exit code and output: 0 when
no input was found on which they differ, 1 with one (printed after
`Given:`), 2 on CrossHair's own errors.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import inspect
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tidegate.proofs import processes
from tidegate.proofs.core import Budget

PLUGIN = Path(__file__).with_name("plugin.py")
"""Lets CrossHair read the `tidegate` namespace package (see that file)."""
TASK_FREE_PLUGIN = Path(__file__).with_name("task_free_plugin.py")
"""Makes CrossHair build subjects without tasks (see `task_free.py`)."""

SMALL_TASKS_PLUGIN = Path(__file__).with_name("small_tasks_plugin.py")
"""Makes CrossHair build small, valid subjects with tasks (see `small_tasks.py`)."""

_ITERATIONS = re.compile(r"attempted (\d+) iterations")
_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<level>info|error|warning): (?P<msg>.*)$")
# CrossHair reports one line per post: or inv: condition; pre: lines are assumptions.
_CONDITION = re.compile(r"^\s*(post|inv)(\[[^\]]*\])?:")


class CrosshairOutcome(enum.Enum):
    """What CrossHair concluded about one condition."""

    CONFIRMED = "confirmed over all paths"
    EXPLORED = "explored to budget, no counterexample"
    UNMET = "precondition never met"
    COUNTEREXAMPLE = "broken (counterexample shown)"


_OUTCOMES = {
    "Confirmed over all paths.": CrosshairOutcome.CONFIRMED,
    "Not confirmed.": CrosshairOutcome.EXPLORED,
    "Unable to meet precondition.": CrosshairOutcome.UNMET,
}


@dataclass(frozen=True)
class Condition:
    """One condition's result: where it is, its text, and (for a counterexample) CrossHair's
    message naming the failing call and what it returned."""

    file: str
    line: int
    outcome: CrosshairOutcome
    text: str
    message: str = ""

    def describe(self) -> str:
        where = f"{Path(self.file).name}:{self.line}"
        if self.outcome is CrosshairOutcome.COUNTEREXAMPLE:
            return f"{where}  {self.text}\n    {self.message}"
        return f"{where}  {self.text}  [{self.outcome.value}]"


@dataclass
class CrosshairReport:
    """Everything the workers reported. `complete` is False if a worker was cut off by the
    overall timeout, could not start, or ended with an exit code other than 0 or 1."""

    conditions: list[Condition] = field(default_factory=list)
    expected: int = 0
    complete: bool = True
    problems: list[str] = field(default_factory=list)

    def count(self, outcome: CrosshairOutcome) -> int:
        return sum(c.outcome is outcome for c in self.conditions)

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o.value}" for o in CrosshairOutcome if self.count(o)]
        return f"{len(self.conditions)} conditions: " + ", ".join(parts or ["none reported"])


@dataclass(frozen=True)
class CrosshairBudget:
    """How hard CrossHair works: CPU seconds per condition and per path, wall seconds overall.

    `task_free` loads `task_free_plugin.py`: every subject CrossHair builds then has
    no task, which a budget too small to build subjects with tasks needs.
    `small_tasks` loads `small_tasks_plugin.py` instead: every subject is a small one with
    tasks, built valid (for the task transitions within such a budget)."""

    per_condition: float
    overall: float
    workers: int = 2
    per_path: float | None = None
    task_free: bool = False
    small_tasks: bool = False

    @property
    def plugins(self) -> tuple[Path, ...]:
        """The plugins loaded after `plugin.py`."""
        return (
            *((TASK_FREE_PLUGIN,) if self.task_free else ()),
            *((SMALL_TASKS_PLUGIN,) if self.small_tasks else ()),
        )


def contract_targets(modules: Sequence[str], classes: bool = True) -> list[tuple[str, int]]:
    """`(qualified name, number of post/inv conditions)` for every function (and, if
    `classes`, every class) defined in `modules` whose docstring carries one, in source order.

    Class invariants are assumed of every argument either way; checking a class itself
    only checks that its methods and properties keep them."""
    found: list[tuple[str, int]] = []
    for name in modules:
        module = importlib.import_module(name)
        members = [
            (obj, attr)
            for attr, obj in vars(module).items()
            if (inspect.isfunction(obj) or (classes and inspect.isclass(obj)))
            and obj.__module__ == name
        ]
        members.sort(key=lambda pair: inspect.getsourcelines(pair[0])[1])
        for obj, attr in members:
            lines = sum(bool(_CONDITION.match(line)) for line in (obj.__doc__ or "").splitlines())
            if lines:
                found.append((f"{name}.{attr}", lines))
    return found


def targets_of(conditions: Sequence[Condition], targets: Sequence[tuple[str, int]]) -> list[str]:
    """The names among `targets` (as `contract_targets` gives them) whose source holds one
    of `conditions`, in `targets`' order. A condition outside every target is skipped, and
    so is a target whose source cannot be found (CrossHair could not load it either)."""
    spans: list[tuple[str, Path, int, int]] = []
    for name, _ in targets:
        module, _, attr = name.rpartition(".")
        try:
            obj = getattr(importlib.import_module(module), attr)
            lines, first = inspect.getsourcelines(obj)
        except (ImportError, AttributeError, OSError, TypeError, ValueError):
            continue
        spans.append(
            (name, Path(inspect.getsourcefile(obj) or "").resolve(), first, first + len(lines))
        )
    places = {(Path(c.file).resolve(), c.line) for c in conditions}
    return [
        name
        for name, file, first, end in spans
        if any(f == file and first <= line < end for f, line in places)
    ]


def share_out(targets: Sequence[tuple[str, int]], workers: int) -> list[list[str]]:
    """Split targets over `workers` so each gets about as many conditions (greedy, largest
    first); empty shares are dropped."""
    shares: list[tuple[int, list[str]]] = [(0, []) for _ in range(max(1, workers))]
    for target, weight in sorted(targets, key=lambda t: -t[1]):
        load, names = min(shares, key=lambda s: s[0])
        shares.remove((load, names))
        shares.append((load + weight, [*names, target]))
    return [names for _, names in shares if names]


def _crosshair(
    subcommand: str, per_condition: float, *arguments: str, plugins: Sequence[Path] = ()
) -> list[str]:
    """`python -u -m crosshair SUBCOMMAND` with the plugin(s) and the per-condition budget.

    Unbuffered (-u), so that each condition's line arrives as soon as it is decided."""
    return [
        sys.executable,
        "-u",
        "-m",
        "crosshair",
        subcommand,
        "--extra_plugin",
        str(PLUGIN),
        *map(str, plugins),
        f"--per_condition_timeout={per_condition}",
        *arguments,
    ]


def crosshair_command(targets: Sequence[str], budget: CrosshairBudget) -> list[str]:
    """The exact `crosshair check` command line one worker runs."""
    options = ["--analysis_kind=PEP316", "--report_all"]
    if budget.per_path is not None:
        options.append(f"--per_path_timeout={budget.per_path}")
    return _crosshair("check", budget.per_condition, *options, *targets, plugins=budget.plugins)


def run_crosshair(
    targets: Sequence[tuple[str, int]],
    budget: CrosshairBudget,
    on_condition: Callable[[int], None] = lambda done: None,
    cwd: Path | None = None,
    run: Budget | None = None,
) -> CrosshairReport:
    """Check `targets` (from `contract_targets`, or file paths with a weight) with CrossHair.

    `on_condition(n)` is called as results arrive. Never raises for CrossHair's own
    failures: they are recorded in `problems` and make the report incomplete. When the
    run's `Budget` runs out (Ctrl-C, say), the workers are ended within a second and
    the report is incomplete, as on the overall cut-off.
    """
    report = CrosshairReport(expected=sum(weight for _, weight in targets))
    start = time.monotonic()
    with contextlib.ExitStack() as stack:
        workers = []
        for share in share_out(targets, budget.workers):
            errors = stack.enter_context(tempfile.TemporaryFile("w+"))
            try:
                proc = processes.spawn(
                    crosshair_command(share, budget),
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    text=True,
                    cwd=cwd,
                )
            except OSError as exc:
                report.complete = False
                report.problems.append(f"could not start crosshair: {exc}")
                continue
            # However this run ends (cut off, Ctrl-C, an error), no worker outlives it.
            stack.callback(processes.end, proc)
            workers.append((proc, errors))
        found = _collect([p for p, _ in workers], start + budget.overall, report, on_condition, run)
        for (proc, errors), counterexamples in zip(workers, found, strict=True):
            _finish(proc, errors, counterexamples, report)
    if report.complete and not report.conditions:
        report.complete = False
        report.problems.append("crosshair reported no condition at all")
    return report


def _collect(
    workers: Sequence[subprocess.Popen[str]],
    deadline: float,
    report: CrosshairReport,
    on_condition: Callable[[int], None],
    run: Budget | None = None,
) -> list[int]:
    """Read every worker's lines as they come until all end or `deadline` passes; return how
    many counterexamples each worker reported.

    CrossHair prints its results only when a worker's whole share is done, so
    `on_condition` is also called once a second with the count so far: a quiet
    progress line still shows the run is alive."""
    lines: queue.Queue[tuple[int, str | None]] = queue.Queue()
    for index, proc in enumerate(workers):
        threading.Thread(target=_pump, args=(index, proc, lines), daemon=True).start()
    found = [0] * len(workers)
    running = len(workers)
    while running:
        stopped = None if run is None else run.exhausted()
        if stopped is not None or time.monotonic() >= deadline:
            report.complete = False
            report.problems.append(
                f"cut off by the overall budget with {running} worker(s) still running"
                if stopped is None
                else f"stopped ({stopped}) with {running} worker(s) still running"
            )
            return found
        try:
            index, line = lines.get(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
        except queue.Empty:
            on_condition(len(report.conditions))
            continue
        if line is None:
            running -= 1
            continue
        condition = parse_line(line)
        if condition is not None:
            report.conditions.append(condition)
            found[index] += condition.outcome is CrosshairOutcome.COUNTEREXAMPLE
            on_condition(len(report.conditions))
    return found


def parse_line(line: str) -> Condition | None:
    """One `file:line: level: message` line of CrossHair's output, with the condition's
    source text; None for any other line."""
    match = _LINE.match(line.rstrip("\n"))
    if match is None:
        return None
    file, lineno, msg = match["file"], int(match["line"]), match["msg"]
    if match["level"] == "error":
        return Condition(
            file, lineno, CrosshairOutcome.COUNTEREXAMPLE, _source_line(file, lineno), msg
        )
    outcome = _OUTCOMES.get(msg)
    if outcome is None:
        return None
    return Condition(file, lineno, outcome, _source_line(file, lineno))


def _source_line(file: str, lineno: int) -> str:
    try:
        return Path(file).read_text().splitlines()[lineno - 1].strip()
    except (OSError, IndexError):
        return "(source not readable)"


def _pump(
    index: int, proc: subprocess.Popen[str], lines: queue.Queue[tuple[int, str | None]]
) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put((index, line))
    lines.put((index, None))


def _finish(
    proc: subprocess.Popen[str], errors: IO[str], counterexamples: int, report: CrosshairReport
) -> None:
    """Wait for a worker (kill it at once if the run was cut off). CrossHair exits 0 when
    it found no counterexample and 1 when it found one; an exit 1 without a counterexample
    (an import error, a crash) and any other exit make the report incomplete."""
    cut_off = not report.complete
    try:
        # Its output ended, but the process may still be exiting: wait, unless cut off.
        proc.wait(timeout=0 if cut_off else 30)
    except subprocess.TimeoutExpired:
        processes.end(proc)
        if cut_off:
            return
    if proc.returncode == 0 or (proc.returncode == 1 and counterexamples):
        return
    errors.seek(0)
    tail = " | ".join(errors.read().strip().splitlines()[-2:]) or "(nothing on stderr)"
    report.complete = False
    report.problems.append(f"crosshair exited with {proc.returncode}: {tail}")


@dataclass(frozen=True)
class DiffOutcome:
    """What one `crosshair diffbehavior` run said: its exit code (None: cut off) and output."""

    code: int | None
    output: str

    @property
    def iterations(self) -> int:
        match = _ITERATIONS.search(self.output)
        return int(match[1]) if match else 0


def diffbehavior(
    first: str, second: str, cpu_seconds: float, cwd: Path | None = None
) -> DiffOutcome:
    """Run `crosshair diffbehavior first second`; cut off after about twice `cpu_seconds`
    of wall time plus a minute (code None)."""
    command = _crosshair("diffbehavior", cpu_seconds, first, second)
    proc = processes.spawn(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd
    )
    try:
        out, err = proc.communicate(timeout=2 * cpu_seconds + 60)
    except subprocess.TimeoutExpired:
        processes.end(proc)
        out, _ = proc.communicate()
        return DiffOutcome(None, out or "")
    finally:
        # Also on Ctrl-C: the worker and anything it started end with this call.
        processes.end(proc)
    return DiffOutcome(proc.returncode, out + err)
