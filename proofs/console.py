"""Terminal and CI-log output: rich when stdout is a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def make_console(stderr: bool = False) -> Console:
    """A Console that styles only on a terminal and never wraps lines in CI logs."""
    stream = sys.stderr if stderr else sys.stdout
    interactive = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=not interactive,
        no_color=not interactive,
        width=None if interactive else 120,
    )


class Ticker(Protocol):
    """Told how far a long run has got."""

    def __call__(self, done: int) -> None: ...


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
            yield lambda done: bar.update(task, completed=done)
        return
    start = last = time.monotonic()
    latest = 0

    def tick(done: int) -> None:
        nonlocal last, latest
        latest = done
        now = time.monotonic()
        if now - last >= 5.0:
            last = now
            of = f"/{total}" if total is not None else ""
            console.print(f"  {label}: {done}{of} ({now - start:.0f}s)")

    yield tick
    of = f"/{total}" if total is not None else ""
    console.print(f"  {label}: {latest}{of} done in {time.monotonic() - start:.1f}s")
