"""`tidegate interleave`: the real loops under every interleaving (or random ones), against
the protocol model; findings and failures come with a schedule that `--replay` runs again."""

from __future__ import annotations

import argparse
import time

from rich.console import Console

from tidegate.impl.variants import Variant
from tidegate.proofs.cli import exit_code, number
from tidegate.proofs.core import Budget, Verdict
from tidegate.proofs.flags import nonempty
from tidegate.proofs.interleave.bounds import DEFAULT_SCENARIOS, REMOVED_BY, with_variant
from tidegate.proofs.interleave.explore import (
    InterleaveExploration,
    explore_all,
    explore_random,
    run_schedule,
    run_to_end,
)
from tidegate.proofs.interleave.run import Run
from tidegate.proofs.interleave.schedule import ScheduleError, format_schedule, parse_replay
from tidegate.proofs.interleave.verdict import headline, missing_seed_findings, summarize
from tidegate.proofs.interleave.world import Scenario, ScenarioError, abandon_worlds
from tidegate.proofs.report import make_console, progress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "interleave",
        help="explore the reader/consumer protocol's interleavings on the real asyncio loops",
        description="Drive the real reader, consumer and producer tasks through a controlled "
        "event loop: every schedule at small bounds (default), or random PCT schedules "
        "(--random), the fault steps included where a scenario allows them (E the consumer's "
        "processing raises, S it stops, X it closes its receiver, K one task cancelled at an "
        "await: KR the reader, KC the consumer, KP1.. a producer). Checks: the reader never "
        "awaits the channel, order end to end, no silent loss, no lost wake-up, and the "
        "protocol model in lockstep. Exit codes: 0 all hold, 1 a property broke, 2 usage "
        "error, 3 budget ran out.",
    )
    p.add_argument(
        "--scenario",
        action="append",
        metavar="BOUNDS",
        help="e.g. capacity=1,cap=1,wire=3,producers=2,stop=2,faults=E+S+X+K (repeatable; "
        "default: the "
        "default bounds, " + "; ".join(map(str, DEFAULT_SCENARIOS)) + ")",
    )
    p.add_argument(
        "--variant",
        choices=[v.value for v in Variant] + ["all"],
        default="all",
        help="seed (the reference), one of our variants, or all (default)",
    )
    p.add_argument(
        "--random",
        type=number(int, minimum=1, maximum=10**9),
        metavar="N",
        help="run N random PCT schedules instead",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for --random (default 0)")
    p.add_argument(
        "--max-executions",
        type=number(int, minimum=1),
        default=200_000,
        metavar="N",
        help="budget per exhaustive scenario; running out is inconclusive (exit 3)",
    )
    p.add_argument(
        "--time-budget",
        type=number(float, above=0),
        metavar="SECONDS",
        help="stop after this long (default: no limit); running out is inconclusive (exit 3)",
    )
    p.add_argument(
        "--replay",
        metavar="SCENARIO/SCHEDULE",
        type=nonempty("--replay"),
        help="run one schedule again step by step, e.g. 'capacity=1,cap=1,wire=3/W:3.R:3.C.R'",
    )
    p.set_defaults(run=run_interleave)


def run_interleave(args: argparse.Namespace) -> Verdict:
    """Explore (or replay); interrupted, the scenarios explored so far are summarized and
    the verdict is INCONCLUSIVE."""
    console = make_console()
    if args.replay is not None:
        return replay_schedule(console, args.replay)
    try:
        scenarios = tuple(Scenario.parse(s) for s in args.scenario or ())
    except ScenarioError as exc:
        raise ScenarioError(f"--scenario: {exc}") from None
    variants = list(Variant) if args.variant == "all" else [Variant(args.variant)]
    base = scenarios or DEFAULT_SCENARIOS
    explorations: list[InterleaveExploration] = []
    budget = Budget(args.time_budget)
    start = time.monotonic()
    try:
        for variant in variants:
            tag = "" if variant is Variant.SEED else " (ours)"
            console.print(f"[bold]{variant.value}[/]{tag}")
            for scenario in with_variant(base, variant) if not scenarios else base:
                if budget.exhausted() is not None:
                    break
                if scenarios and scenario.variant is not variant:
                    scenario = Scenario(**{**scenario.__dict__, "variant": variant})
                explorations.append(_explore(console, scenario, args, budget))
                console.print(f"  {headline(explorations[-1])}", markup=False)
    except KeyboardInterrupt:
        abandon_worlds()  # a witness was being shrunk: its runs were dropped mid-step
        budget.interrupt()
    if budget.exhausted() is not None:
        console.print(f"\nstopped: {budget.exhausted()}; the scenarios explored so far:")
    summary = summarize(explorations)
    if budget.interrupted and summary.verdict is Verdict.PASS:
        summary.verdict = Verdict.INCONCLUSIVE
    console.print(
        f"\n{summary.executions:,} schedules over {len(explorations)} scenario runs in "
        f"{time.monotonic() - start:.1f}s"
    )
    for variant in variants:
        if any(ex.scenario.variant is variant for ex in explorations):
            console.print(_variant_line(variant, explorations), markup=False)
    if summary.findings:
        console.print("\nFindings (each with its shortest schedule found):")
        for line in summary.findings:
            console.print(f"  - {line}", markup=False)
    complete = budget.exhausted() is None
    if complete and not scenarios and args.random is None and Variant.SEED in variants:
        for finding in missing_seed_findings(summary):
            console.print(f"  note: the seed did not show '{finding.value}' here", markup=False)
    for line in summary.failures:
        console.print(f"\n{summary.verdict.value}: {line}", markup=False)
    words = {
        Verdict.PASS: "every property holds at these bounds",
        Verdict.FAIL: "a property FAILED",
        Verdict.INCONCLUSIVE: "INCONCLUSIVE (budget ran out or interrupted; not a pass)",
    }
    console.print(f"\n{words[summary.verdict]} (exit {int(exit_code(summary.verdict))})")
    return summary.verdict


def _variant_line(variant: Variant, explorations: list[InterleaveExploration]) -> str:
    """Per variant: how many schedules, whether every property held, what it showed."""
    mine = [ex for ex in explorations if ex.scenario.variant is variant]
    broken = sorted({p.value for ex in mine for p in ex.violations})
    shown = {f for ex in mine for f in ex.findings}
    removed = [f.value for f in REMOVED_BY[variant] if f not in shown]
    held = "every property held" if not broken else f"BROKEN: {', '.join(broken)}"
    line = (
        f"  {variant.value}: {sum(ex.executions for ex in mine):,} schedules, {held}; "
        f"shows: {', '.join(sorted(f.value for f in shown)) or 'nothing'}"
    )
    return line + (f"; claims to remove, and never shows: {', '.join(removed)}" if removed else "")


def _explore(
    console: Console, scenario: Scenario, args: argparse.Namespace, budget: Budget
) -> InterleaveExploration:
    if args.random is not None:
        with progress(console, f"{scenario} random", args.random) as tick:
            return explore_random(
                scenario, runs=args.random, seed=args.seed, tick=tick, budget=budget
            )
    with progress(console, f"{scenario}", None) as tick:
        return explore_all(scenario, max_executions=args.max_executions, tick=tick, budget=budget)


def replay_schedule(console: Console, text: str) -> Verdict:
    """Run a `scenario/schedule` string step by step, printing what every step did; FAIL
    when a property broke. Raises ScenarioError or ScheduleError for a bad string."""
    try:
        scenario, roles = parse_replay(text)
    except (ScenarioError, ScheduleError) as exc:
        raise type(exc)(f"--replay: {exc}") from None
    try:
        return _replay(console, scenario, roles)
    except KeyboardInterrupt:
        abandon_worlds()
        raise


def _replay(console: Console, scenario: Scenario, roles: list[str]) -> Verdict:
    run = run_schedule(scenario, [])
    try:
        for index, role in enumerate(roles, 1):
            if role not in run.runnable():
                raise ScheduleError(
                    f"step {index}: role {role} cannot run here "
                    f"(runnable: {', '.join(run.runnable()) or 'none'})"
                )
            run.step(role)
            _show_step(console, run, index, role)
    except ScheduleError as exc:
        run.discard()
        raise ScheduleError(f"--replay: {exc}") from None
    shown = len(run.schedule)
    if not run.finished:
        run_to_end(run)
        console.print(
            f"then, in the default order: {format_schedule(run.schedule[shown:])}", markup=False
        )
    w = run.world
    console.print(f"reader:   {w.reader_report}", markup=False)
    console.print(f"consumer: {w.consumer_report}", markup=False)
    for i, rep in enumerate(w.producer_reports, 1):
        console.print(f"P{i}:       {rep}", markup=False)
    for what, event in [*run.violations.items(), *run.findings.items()]:
        kind = "VIOLATED" if what in run.violations else "finding"
        console.print(f"{kind} at step {event.step}: {what.value}: {event.detail}", markup=False)
    return Verdict.FAIL if run.violations else Verdict.PASS


def _show_step(console: Console, run: Run, index: int, role: str) -> None:
    w = run.world
    console.print(
        f"{index:>3} {role:<3} buffer={list(w.rx.buffered())} backlog={list(w.queue.backlog())} "
        f"permit={w.notify.has_permit} delivered={w.consumer_report.delivered} "
        f"next={','.join(run.runnable()) or '-'}",
        markup=False,
    )
