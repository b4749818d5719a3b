"""`tidegate replay`: replay trace files against the model or the implementation."""

from __future__ import annotations

import argparse

from tidegate.proofs.core import Budget, Verdict
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import load_trace_files, recorded_traces
from tidegate.proofs.recordings.replay import replay_all
from tidegate.proofs.report import make_console, progress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "replay",
        help="replay trace files (default: the shipped tokio recordings) against a subject",
    )
    p.add_argument(
        "--subject",
        choices=["model", "impl"],
        action="append",
        help="subject to replay against (repeatable; default both)",
    )
    p.add_argument(
        "--traces",
        metavar="FILE",
        action="append",
        help="a PROTOCOL.md trace file (repeatable; default the shipped recordings)",
    )
    p.set_defaults(run=run_replay)


def run_replay(args: argparse.Namespace) -> Verdict:
    """PASS when every subject answers every trace as it records; INCONCLUSIVE when
    interrupted (what ran is reported)."""
    console = make_console()
    traces = load_trace_files(args.traces) if args.traces else recorded_traces()
    verdict = Verdict.PASS
    budget = Budget()
    for subject in args.subject or ["model", "impl"]:
        with progress(console, f"replay on {subject}", len(traces)) as tick:
            report = replay_all(traces, make_runner(subject), tick, budget)
        console.print(
            f"{subject}: {report.traces - len(report.divergences)}/{report.traces} traces "
            f"identical ({report.steps} steps)"
        )
        for divergence in report.divergences[:10]:
            console.print(f"  {divergence.describe()}", markup=False)
        if report.divergences:
            verdict = Verdict.FAIL
        if report.stopped is not None:
            console.print(f"stopped ({report.stopped}) after {report.traces}/{len(traces)} traces")
            return Verdict.INCONCLUSIVE
    return verdict
