"""`tidegate explore`: every reachable state of the model, every property checked in each."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from tidegate.proofs.cli import number
from tidegate.proofs.core import Verdict, default_memory_limit, parse_size
from tidegate.proofs.explore.engine import Engine, explore_bounds, packed_fits
from tidegate.proofs.explore.interned import require_fit
from tidegate.proofs.explore.memory import mib
from tidegate.proofs.explore.packed import MAX_BITS, Layout, LayoutError
from tidegate.proofs.explore.properties import OTHER_BASE, PropertyKind
from tidegate.proofs.explore.search import (
    DEFAULT_BOUNDS,
    MAX_OTHER_ITEMS,
    MAX_SENDS,
    Bounds,
    Exploration,
)
from tidegate.proofs.protocol.traces import Trace
from tidegate.proofs.report import make_console, progress, trace_lines

_BELOW_OTHERS = f" (queue items stay below the other producer's {OTHER_BASE}, ...)"
_IN_RANGE = f" (the other producer's items {OTHER_BASE}, ... stay signed 64-bit integers)"
_SENDS_IN_RANGE = " (the send tasks' items 2001, ... stay signed 64-bit integers)"


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--max-memory: {exc}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = DEFAULT_BOUNDS
    p = sub.add_parser(
        "explore",
        help="explore every reachable state of the model, checking every property",
        description="Breadth-first search over every state of the model reachable within "
        "the bounds; checks every property of the catalogue in every state and transition "
        "and prints, for each one that fails, its shortest counterexample as a trace. "
        "Exit codes: 0 every invariant holds, 1 an invariant fails, 2 usage error, "
        "3 the time or memory budget ran out (inconclusive).",
    )
    p.add_argument(
        "--capacity",
        type=number(int, minimum=1),
        default=d.capacity,
        metavar="C",
        help=f"channel capacity, >= 1 (default {d.capacity})",
    )
    p.add_argument(
        "--cap",
        type=number(int, minimum=0),
        default=d.cap,
        metavar="K",
        help=f"backlog cap, >= 0 (default {d.cap})",
    )
    p.add_argument(
        "--queue-items",
        type=number(int, minimum=0, maximum=OTHER_BASE - 1, why=_BELOW_OTHERS),
        default=d.queue_items,
        metavar="NQ",
        help=f"items the queue submits, 1..NQ in order, 0 <= NQ <= 1000 (default {d.queue_items})",
    )
    p.add_argument(
        "--other-items",
        type=number(int, minimum=0, maximum=MAX_OTHER_ITEMS, why=_IN_RANGE),
        default=d.other_items,
        metavar="NO",
        help=f"items the other producer submits, 1001.. in order (default {d.other_items})",
    )
    p.add_argument(
        "--sends",
        type=number(int, minimum=0, maximum=MAX_SENDS, why=_SENDS_IN_RANGE),
        default=0,
        metavar="NS",
        help="send tasks (send(item).await, hand-polled; v2) the other producer starts, "
        "items 2001.. in order; needs NO <= 1000 (default 0)",
    )
    p.add_argument(
        "--recvs",
        type=number(int, minimum=0),
        default=0,
        metavar="NR",
        help="recv tasks (recv().await, hand-polled; v2) the receiver starts (default 0)",
    )
    p.add_argument(
        "--waiters",
        type=number(int, minimum=0),
        default=0,
        metavar="NW",
        help="notified tasks (notify.notified().await, hand-polled; v2) started; with NW > 0 "
        "notify_one is an action too (default 0). Any task bound set: every pending task "
        "may be polled or cancelled, and the reference explorer runs",
    )
    p.add_argument(
        "--max-seconds",
        type=number(float, above=0),
        default=None,
        metavar="S",
        help="stop after S seconds: the run is then inconclusive (exit 3)",
    )
    p.add_argument(
        "--max-memory",
        type=_size,
        default=None,
        metavar="SIZE",
        help="stop before the process's resident memory would pass SIZE bytes (suffixes "
        "K, M, G, T: powers of 1024, e.g. 8G): the run is then inconclusive (exit 3). "
        "Default: $TIDEGATE_MAX_MEMORY if set, else half the machine's memory",
    )
    p.add_argument(
        "--engine",
        choices=[e.value for e in Engine],
        default=Engine.AUTO.value,
        help="packed: states packed in 64-bit words, numpy, both cores (no tasks); "
        "reference: the plain search; auto (default): packed wherever the bounds fit it",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (states, transitions, depth, seconds, properties)",
    )
    p.set_defaults(run=run_explore)


def run_explore(args: argparse.Namespace) -> Verdict:
    bounds = Bounds(
        args.capacity,
        args.cap,
        args.queue_items,
        args.other_items,
        args.sends,
        args.recvs,
        args.waiters,
    )
    engine = Engine(args.engine)
    if engine is Engine.PACKED and bounds.has_tasks:
        require_fit(bounds)
    elif engine is Engine.PACKED and not packed_fits(bounds):
        layout = Layout(bounds.capacity, bounds.cap, bounds.queue_items, bounds.other_items)
        raise LayoutError(
            f"--engine packed: {bounds} needs {layout.bits} bits a state, the packed "
            f"explorer holds at most {MAX_BITS}; use --engine reference"
        )
    # With --json, progress goes to stderr so stdout stays one JSON object.
    console = make_console(stderr=args.json)
    with progress(console, f"explore {bounds}", None) as tick:
        result = explore_bounds(
            bounds,
            engine=engine,
            max_seconds=args.max_seconds,
            max_memory=default_memory_limit() if args.max_memory is None else args.max_memory,
            tick=tick,
        )
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        show(console, result)
    return result.verdict


def show(console: Console, result: Exploration) -> None:
    """Counts, one row per property and witness, then every counterexample as a trace."""
    status = "complete" if result.complete else f"INCOMPLETE: {result.stopped}"
    console.print(
        f"explored {result.bounds}: {result.states:,} states, {result.transitions:,} "
        f"transitions, depth {result.depth}, {result.seconds:.2f}s "
        f"({result.states_per_second:,.0f} states/s), {status}",
        markup=False,
    )
    if result.states:
        console.print(
            f"{result.engine} explorer, peak memory {mib(result.peak_rss)} "
            f"({result.peak_rss / result.states:,.0f} bytes/state, the process's peak "
            "over the states found)",
            markup=False,
        )
    if result.engine_note is not None:
        console.print(result.engine_note, markup=False)
    table = Table(title="Properties", title_justify="left")
    table.add_column("property")
    table.add_column("kind")
    table.add_column("result")
    table.add_column("steps", justify="right")
    shown: list[tuple[str, Trace]] = []
    for o in result.outcomes:
        if o.holds:
            verdict = "holds" if result.complete else "holds so far"
        elif o.prop.kind is PropertyKind.FINDING:
            verdict = "false for the seed (finding)"
        else:
            verdict = "[bold red]FAILS[/]"
        steps = "" if o.counterexample is None else str(len(o.counterexample.steps))
        table.add_row(o.prop.name, o.prop.kind.value, verdict, steps)
        if o.counterexample is not None:
            shown.append((f"{o.prop.name}: {o.prop.statement}", o.counterexample))
    for r in result.reaches:
        if r.off_contract:
            verdict = "unreachable by contract" + (
                "; off-contract probe answers it" if r.reached else ""
            )
        else:
            verdict = "reached" if r.reached else "[yellow]not reached at these bounds[/]"
        steps = "" if r.trace is None else str(len(r.trace.steps))
        table.add_row(f"reachable: {r.witness.name}", "witness", verdict, steps)
    console.print(table)
    for title, trace in shown:
        console.print(f"\nshortest counterexample to {title}", markup=False)
        for line in trace_lines(trace):
            console.print(f"  {line}", markup=False)
