"""`tidegate conform`: check a port, through its adapter, against the model; and `tidegate traces
generate`: a trace suite from the model, as JSON Lines or ITF, for ports that replay traces."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

from tidegate.proofs.cli import number
from tidegate.proofs.conform.generate import ANCHORS
from tidegate.proofs.conform.report import print_outcome
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.conform.suite import Suite, suite_traces
from tidegate.proofs.core import Budget, BudgetExhausted, TidegateError, Verdict
from tidegate.proofs.flags import nonempty, output_file
from tidegate.proofs.protocol.itf import to_itf
from tidegate.proofs.protocol.traces import Trace, load_trace_files, write_traces
from tidegate.proofs.report import make_console, progress

TRANSITIONS = (
    "transitions = (capacity, cap, buffer length, backlog length, receiver, operation) "
    "combinations reachable from new(capacity, cap); each has one answer"
)
"""What a transition is, printed beside the count."""
MAX_RUN_STEPS = 1_000_000
"""The longest run `--max-steps` allows: a million requests already take minutes through
a pipe, and a run is held in memory whole while it is shrunk."""
MAX_PAIR = 64
"""The largest `--max-capacity` and `--max-cap` of `traces generate`: 4,160 (capacity,
cap) pairs, about a million transitions to cover."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _register_conform(sub)
    _register_traces(sub)


def _register_conform(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "conform",
        help="check a port through its PROTOCOL.md adapter: replay, coverage, deep and random runs",
        description="Start the adapter, replay the shipped recordings (and --traces files), "
        "then generated cases: every reachable (state, op, answer) kind at small bounds, "
        "deep runs (long runs and sizes past 2^8, 2^16, 2^32 and beyond, where a port's "
        "integers wrap), and random runs at wide bounds. An adapter that speaks v2 (tasks) "
        "also gets the 600 task recordings, every reachable task kind and random task runs; "
        "one that answers every task operation Unsupported is checked on v1 only, and told "
        "so. The first divergence or adapter failure is shrunk to a minimal trace (task ids "
        "renumbered 1, 2, 3 ... as PROTOCOL.md numbers them). The checker sends several "
        "requests before it reads their answers: an adapter flushes standard output after "
        "each answer. Exit codes: 0 conforms (on v1 only, for a v1 adapter, unless "
        "--require-v2), 1 diverged (or a protocol probe failed), 2 usage error (a bad "
        "flag or trace file, an adapter command that cannot start), 3 the goal was not met, "
        "e.g. the budget ended (not a pass), 4 the adapter failed mid-run (it died, hung, or "
        "wrote a non-answer or an extra line).",
    )
    p.add_argument(
        "--adapter",
        required=True,
        metavar="CMD",
        help="the adapter command line, e.g. 'tidegate serve --subject impl' or './my-port'",
    )
    p.add_argument(
        "--traces",
        metavar="FILE",
        action="append",
        default=[],
        help="also replay this PROTOCOL.md trace file (repeatable)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the generated cases (default 0)")
    p.add_argument(
        "--max-examples",
        type=number(int, minimum=0, maximum=10**9),
        default=Settings.max_examples,
        help=f"random runs after the coverage cases (default {Settings.max_examples}); the "
        f"first {len(ANCHORS)} are the goal's wide anchor runs, so fewer exits 3",
    )
    p.add_argument(
        "--max-steps",
        type=number(int, minimum=1, maximum=MAX_RUN_STEPS),
        default=Settings.max_steps,
        help=f"longest random run in steps, at most {MAX_RUN_STEPS:,} "
        f"(default {Settings.max_steps})",
    )
    p.add_argument(
        "--time-budget",
        type=number(float, minimum=0),
        default=Settings.time_budget,
        metavar="SECONDS",
        help=f"stop searching after this long (default {Settings.time_budget:g}); exit 3 if "
        "the goal was not met by then; a failure found is shrunk until the budget ends, but "
        f"for at least {Settings.shrink_seconds:g}s",
    )
    p.add_argument(
        "--op-timeout",
        type=number(float, minimum=0.01, maximum=86400.0),
        default=Settings.op_timeout,
        metavar="SECONDS",
        help=f"longest wait for one answer before the adapter is killed "
        f"(default {Settings.op_timeout:g})",
    )
    p.add_argument(
        "--check-protocol",
        action="store_true",
        help="also probe every rule of PROTOCOL.md's answers about the request itself "
        "(blank lines, malformed requests, their order) and check the answers",
    )
    p.add_argument(
        "--save-failures",
        metavar="FILE",
        type=output_file,
        help="append the minimal failing trace (a divergence, or a trace on which the "
        "adapter fails) to FILE as a PROTOCOL.md trace line",
    )
    p.add_argument("--no-recordings", action="store_true", help="skip the 600 shipped recordings")
    p.add_argument(
        "--no-deep",
        action="store_true",
        help="skip the deep runs (long runs and boundary sizes; about 10 s against a fast "
        "adapter) and leave them out of the goal",
    )
    p.add_argument(
        "--require-v2",
        action="store_true",
        help="exit 3 (not a pass) when the adapter answers every v2 task operation "
        "Unsupported; without it such a port is checked on v1 only and the verdict says "
        "'CONFORMS (v1 only ...)', exit 0",
    )
    p.add_argument(
        "--task-examples",
        type=number(int, minimum=0, maximum=10**9),
        default=Settings.task_examples,
        help=f"random runs mixing tasks with v1 operations, for an adapter that speaks v2 "
        f"(default {Settings.task_examples})",
    )
    p.set_defaults(run=run_conform)


def run_conform(args: argparse.Namespace) -> Verdict:
    """Conform the adapter. After the report of what ran, an adapter that failed mid-run is
    raised as AdapterFailure (exit 4), one that could not be started as its error (exit 2)."""
    console = make_console()
    traces = load_trace_files(args.traces)
    settings = Settings(
        seed=args.seed,
        max_examples=int(args.max_examples),
        max_steps=int(args.max_steps),
        time_budget=args.time_budget,
        op_timeout=args.op_timeout,
        recordings=not args.no_recordings,
        deep=not args.no_deep,
        traces=tuple(traces),
        check_protocol=args.check_protocol,
        require_v2=args.require_v2,
        task_examples=int(args.task_examples),
    )
    console.print(f"tidegate conform: adapter {args.adapter!r}, seed {args.seed}", markup=False)
    with progress(console, "cases", None) as tick:  # conform gives the total
        outcome = conform(args.adapter, settings, tick)
    print_outcome(console, outcome)
    if args.save_failures and outcome.minimal is not None:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", outcome.source.split(" (")[0])
        trace = outcome.minimal.to_trace(f"conform-seed{args.seed}-{slug}")
        try:
            write_traces(args.save_failures, [trace], append=True)
        except OSError as exc:
            raise TidegateError(f"cannot append to {args.save_failures}: {exc}") from None
        console.print(f"appended the minimal trace to {args.save_failures}", markup=False)
    conclusion = outcome.conclusion()
    if isinstance(conclusion, TidegateError):
        raise conclusion
    return conclusion


def _register_traces(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("traces", help="generate trace suites from the model")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    g = actions.add_parser(
        "generate",
        help="write traces covering every reachable transition at the bounds, plus long runs",
        description="Write a trace suite from the model: traces that together cover every "
        "reachable transition (capacity, cap, buffer length, backlog length, receiver, "
        "operation) for capacity 1..--max-capacity and cap 0..--max-cap, then --runs long "
        "random runs at wide bounds (capacity up to 72, cap up to 72, items over the whole "
        "signed 64-bit range). With --tasks, then traces that mix the task operations of v2 "
        "(send, recv, notified, notify_one, poll, cancel) with v1 ones. jsonl: PROTOCOL.md "
        "trace lines in FILE. itf: one ITF JSON file per trace (Apalache/Quint ADR-015) in the "
        "directory FILE.",
    )
    g.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        type=nonempty("--out"),
        help="file (jsonl) or directory (itf; *.itf.json files of an older run there are "
        "replaced, any other file makes it refuse)",
    )
    g.add_argument("--format", choices=["jsonl", "itf"], default="jsonl")
    g.add_argument(
        "--tasks",
        action="store_true",
        help="also write traces with tasks (v2): 4 random runs of 60 steps at each (capacity, "
        "cap) and --runs long ones (default: v1 only, for ports that speak v1 only)",
    )
    g.add_argument("--seed", type=int, default=0)
    g.add_argument(
        "--max-capacity",
        type=number(int, minimum=1, maximum=MAX_PAIR),
        default=3,
        help=f"1 to {MAX_PAIR} (default 3)",
    )
    g.add_argument(
        "--max-cap",
        type=number(int, minimum=0, maximum=MAX_PAIR),
        default=3,
        help=f"0 to {MAX_PAIR} (default 3)",
    )
    g.add_argument(
        "--runs",
        type=number(int, minimum=0, maximum=10**6),
        default=20,
        help="long random runs (default 20)",
    )
    g.add_argument(
        "--max-steps",
        type=number(int, minimum=1, maximum=MAX_RUN_STEPS),
        default=500,
        help="longest run (default 500)",
    )
    g.add_argument(
        "--time-budget",
        type=number(float, above=0),
        metavar="SECONDS",
        help="stop after this long, keeping the traces written so far (exit 3)",
    )
    g.set_defaults(run=run_traces)


def run_traces(args: argparse.Namespace) -> Verdict:
    """Write the suite as it is made; FAIL if it does not cover every reachable
    transition, INCONCLUSIVE (what was written stays) if the budget ran out or Ctrl-C."""
    console = make_console()
    out = Path(args.out)
    try:
        sink = _jsonl_sink(out) if args.format == "jsonl" else _itf_sink(out)
    except OSError as exc:
        raise TidegateError(f"cannot write {out}: {exc}") from None
    capacity, cap = int(args.max_capacity), int(args.max_cap)
    tally, budget = Suite(), Budget(args.time_budget)
    written = steps = 0
    stopped: str | None = None
    try:
        with progress(console, "traces", None) as tick:
            traces = suite_traces(
                capacity,
                cap,
                int(args.runs),
                int(args.max_steps),
                args.seed,
                tally,
                budget,
                tasks=bool(args.tasks),
            )
            for trace in traces:
                sink(trace)
                written, steps = written + 1, steps + len(trace.steps)
                tick(written)
    except BudgetExhausted as exc:
        stopped = str(exc)
    except KeyboardInterrupt:
        stopped = "interrupted"
    except OSError as exc:
        raise TidegateError(f"cannot write {out}: {exc}") from None
    finally:
        sink(None)
    pairs = capacity * (cap + 1)
    console.print(
        f"wrote {written} traces ({steps:,} steps) to {out} ({args.format}): "
        f"{tally.covered}/{tally.transitions} reachable transitions at capacity "
        f"1-{capacity}, cap 0-{cap}, and {tally.runs} long random runs"
        + (f", then {tally.task_traces} traces with tasks (v2)" if args.tasks else "")
        + "\n"
        f"  ({TRANSITIONS}; conform counts coarser kinds)",
        markup=False,
    )
    if stopped is not None:
        console.print(
            f"stopped ({stopped}) after {tally.pairs}/{pairs} (capacity, cap) pairs and "
            f"{tally.runs}/{args.runs} runs: the suite is incomplete",
            markup=False,
        )
        return Verdict.INCONCLUSIVE
    return Verdict.PASS if tally.covered == tally.transitions else Verdict.FAIL


Sink = Callable[[Trace | None], None]
"""Takes each trace as it is made; None closes it."""


def _jsonl_sink(out: Path) -> Sink:
    """Trace lines into `out`, flushed every 100 traces (so a cut-off run leaves whole
    lines)."""
    handle = open(out, "w", encoding="utf-8")  # noqa: SIM115 (closed by the sink)
    count = 0

    def sink(trace: Trace | None) -> None:
        nonlocal count
        if trace is None:
            handle.close()
            return
        handle.write(trace.to_json() + "\n")
        count += 1
        if count % 100 == 0:
            handle.flush()

    return sink


def _itf_sink(out: Path) -> Sink:
    """One `ID.itf.json` file per trace in the folder `out`, made if need be. The files of
    an older run (`*.itf.json`) are removed first; any other file there is refused."""
    if out.exists() and not out.is_dir():
        raise TidegateError(f"--out {out} is a file; --format itf writes into a folder")
    out.mkdir(parents=True, exist_ok=True)
    others = sorted(p.name for p in out.iterdir() if not p.name.endswith(".itf.json"))
    if others:
        raise TidegateError(
            f"--out {out} holds files that are not ITF traces ({', '.join(others[:3])}"
            f"{', ...' if len(others) > 3 else ''}): choose an empty or new folder"
        )
    for old in out.glob("*.itf.json"):
        old.unlink()

    def sink(trace: Trace | None) -> None:
        if trace is not None:
            text = json.dumps(to_itf(trace), separators=(",", ":"))
            (out / f"{trace.id}.itf.json").write_text(text + "\n", encoding="utf-8")

    return sink
