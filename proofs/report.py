"""What a person or a CI system reads: the console, progress, the summary table, JUnit XML.

The console styles only on a terminal and prints plain lines in CI logs;
`progress` draws a live bar or a line every few seconds; `summary_table`
and `write_junit` present the results of `tidegate verify`.
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tidegate.proofs.core import CheckResult, Verdict
from tidegate.proofs.protocol.traces import Trace


def make_console(stderr: bool = False) -> Console:
    """A Console that styles only on a terminal and never breaks a printed line: a long
    line (a trace, above all) is left whole for the terminal to fold, so that copying it
    gives back the line. Tables and progress bars still fit the terminal's width."""
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    return _Console(
        file=stream,
        highlight=False,
        soft_wrap=True,
        no_color=not interactive,
        width=None if interactive else 120,
    )


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich exits with code 1 here, which tidegate uses for "a check failed": let the
        # command line end the command instead (quietly, exit 3: nothing concluded).
        raise BrokenPipeError("the reader of tidegate's output went away")


class Ticker(Protocol):
    """Told how far a long run has got: `done` units, and the `total` when the run has
    learnt that its first estimate was wrong (None: unchanged)."""

    def __call__(self, done: int, total: int | None = None, /) -> None: ...


@contextmanager
def progress(console: Console, label: str, total: int | None) -> Iterator[Ticker]:
    """Report progress of `label` up to `total` units (None: unknown).

    On a terminal: a live bar. Elsewhere: a plain line at most every 5 seconds
    and one at the end, so a CI log shows the run is alive without flooding it.
    """
    if console.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=total)

            def advance(done: int, new_total: int | None = None) -> None:
                if new_total is not None:
                    bar.update(task, total=new_total)
                bar.update(task, completed=done)

            yield advance
        return
    start = last = time.monotonic()
    latest = 0

    def tick(done: int, new_total: int | None = None) -> None:
        nonlocal last, latest, total
        latest = done
        if new_total is not None:
            total = new_total
        now = time.monotonic()
        if now - last >= 5.0:
            last = now
            of = f"/{total}" if total is not None else ""
            console.print(f"  {label}: {done}{of} ({now - start:.0f}s)")

    yield tick
    of = f"/{total}" if total is not None else ""
    console.print(f"  {label}: {latest}{of} done in {time.monotonic() - start:.1f}s")


def write_junit(path: str | Path, suite: str, results: Sequence[CheckResult]) -> None:
    """Write `results` as one <testsuite>; an INCONCLUSIVE check is an <error>, never a pass."""
    failures = sum(r.verdict is Verdict.FAIL for r in results)
    errors = sum(r.verdict is Verdict.INCONCLUSIVE for r in results)
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for result in results:
        case = ET.SubElement(
            root, "testcase", classname=suite, name=result.name, time=f"{result.seconds:.3f}"
        )
        text = "\n".join(result.details)
        if result.verdict is Verdict.FAIL:
            ET.SubElement(case, "failure", message=f"{result.name} failed").text = text
        elif result.verdict is Verdict.INCONCLUSIVE:
            ET.SubElement(case, "error", message=f"{result.name} inconclusive").text = text
        if result.findings:
            ET.SubElement(case, "system-out").text = "\n".join(result.findings)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def trace_lines(trace: Trace) -> list[str]:
    """A trace for a person: one line per step (`1. enqueue_or_send(1) -> ok null`), then
    the trace as the one line that replays it anywhere (`trace: {...}`)."""
    lines = [f"{i}. {step.op} -> {step.result}" for i, step in enumerate(trace.steps, 1)]
    lines.append(f"trace: {trace.to_json()}")
    return lines


def verdict_line(result: CheckResult) -> str:
    """The line printed as a check ends: its verdict, styled, then its name."""
    return f"[{_style(result.verdict)}]{result.verdict.value:>12}[/] {result.name}"


def summary_table(results: Sequence[CheckResult], plain: bool = False) -> Table:
    """One row per check; `plain` draws it with ASCII only, for CI logs."""
    table = Table(title="Summary", title_justify="left", box=box.ASCII if plain else box.HEAVY_HEAD)
    table.add_column("check")
    table.add_column("cases", justify="right")
    table.add_column("time", justify="right")
    table.add_column("verdict")
    for r in results:
        table.add_row(
            r.name,
            f"{r.cases:,} {r.unit}" + (f"\n{r.coverage}" if r.coverage else ""),
            f"{r.seconds:.1f}s",
            f"[{_style(r.verdict)}]{r.verdict.value}[/]",
        )
    return table


def _style(verdict: Verdict) -> str:
    styles = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.INCONCLUSIVE: "yellow"}
    return styles[verdict]
