"""`tidegate traces generate`: a trace suite from the model, as JSON Lines or ITF."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tidegate.proofs.commands.conform import at_least
from tidegate.proofs.conform.suite import generate_suite
from tidegate.proofs.console import make_console
from tidegate.proofs.exitcodes import ExitCode
from tidegate.proofs.itf import to_itf
from tidegate.proofs.traces import write_traces


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        "signed 64-bit range). jsonl: PROTOCOL.md trace lines in FILE. itf: one ITF JSON file "
        "per trace (Apalache/Quint ADR-015) in the directory FILE.",
    )
    g.add_argument("--out", required=True, metavar="FILE", help="file (jsonl) or directory (itf)")
    g.add_argument("--format", choices=["jsonl", "itf"], default="jsonl")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--max-capacity", type=at_least(int, 1), default=3, help="default 3")
    g.add_argument("--max-cap", type=at_least(int, 0), default=3, help="default 3")
    g.add_argument("--runs", type=at_least(int, 0), default=20, help="long random runs (20)")
    g.add_argument("--max-steps", type=at_least(int, 1), default=500, help="longest run (500)")
    g.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    console = make_console()
    suite = generate_suite(
        int(args.max_capacity), int(args.max_cap), int(args.runs), int(args.max_steps), args.seed
    )
    out = Path(args.out)
    try:
        if args.format == "jsonl":
            write_traces(out, suite.traces)
        else:
            out.mkdir(parents=True, exist_ok=True)
            for trace in suite.traces:
                text = json.dumps(to_itf(trace), separators=(",", ":"))
                (out / f"{trace.id}.itf.json").write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        console.print(f"error: cannot write {out}: {exc}", markup=False)
        return int(ExitCode.USAGE)
    steps = sum(len(t.steps) for t in suite.traces)
    console.print(
        f"wrote {len(suite.traces)} traces ({steps:,} steps) to {out} ({args.format}): "
        f"{suite.covered}/{suite.transitions} reachable transitions at capacity "
        f"1-{args.max_capacity}, cap 0-{args.max_cap}, and {args.runs} long random runs",
        markup=False,
    )
    return int(ExitCode.OK if suite.covered == suite.transitions else ExitCode.FAILED)
