"""`tidegate verify`: every check, with progress, a summary table and the findings."""

from __future__ import annotations

import argparse
import functools
import time

from tidegate.proofs.conform.check import check_conform
from tidegate.proofs.core import Check, CheckContext, CheckResult, ExitCode, Profile, Verdict
from tidegate.proofs.crosshair.check import check_crosshair, check_crosshair_diff
from tidegate.proofs.differential.check import check_differential
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.protocol.queue_class import QueueClassError, QueueFactory, load_queue_class
from tidegate.proofs.recordings.check import check_recordings, check_recordings_on
from tidegate.proofs.report import make_console, summary_table, verdict_line, write_junit


def checks_for(profile: Profile, queue_class: QueueFactory | None = None) -> list[Check]:
    """The checks `verify` runs, in order, for `profile` (each sizes itself to it).

    With `queue_class`, the implementation's recordings and differential checks
    hold that queue class against the model instead of `tidegate.impl`'s.
    """
    return [
        functools.partial(check_recordings, "model"),
        functools.partial(check_recordings, "impl")
        if queue_class is None
        else functools.partial(check_recordings_on, queue_class),
        functools.partial(check_differential, queue_factory=queue_class),
        *exploration_checks(profile),
        check_crosshair,
        # A symbolic search of the tidegate.impl queue against the model: minutes, so thorough only.
        *([check_crosshair_diff] if profile is Profile.THOROUGH and queue_class is None else []),
        check_conform,
        check_interleave,
    ]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify",
        help="run every check of the model and the implementation, with a summary",
        description="Run every verification check and print a summary table. Exit codes: "
        "0 all hold, 1 a check failed, 2 usage error, 3 inconclusive.",
    )
    p.add_argument(
        "--profile",
        choices=[p.value for p in Profile],
        default=Profile.DEFAULT.value,
        help="quick (<20 s), default (<2 min), thorough (long runs)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for every randomized check")
    p.add_argument(
        "--junit-xml", metavar="PATH", help="also write JUnit XML, one testcase per check"
    )
    p.add_argument(
        "--queue-class",
        metavar="MODULE:CLASS",
        help="hold this queue class (constructed as CLASS(cap), with tidegate.impl's "
        "BackpressureQueue methods) against the model in the recordings and differential "
        "checks, instead of tidegate.impl's; MODULE is imported from the current directory "
        "first",
    )
    p.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    console = make_console()
    queue_class: QueueFactory | None = None
    if args.queue_class is not None:
        try:
            queue_class = load_queue_class(args.queue_class)
        except QueueClassError as exc:
            make_console(stderr=True).print(f"tidegate verify: error: {exc}", markup=False)
            return int(ExitCode.USAGE)
    ctx = CheckContext(Profile(args.profile), args.seed, console)
    console.print(f"tidegate verify: profile {ctx.profile.value}, seed {ctx.seed}")
    results: list[CheckResult] = []
    start = time.perf_counter()
    for check in checks_for(ctx.profile, queue_class):
        result = check(ctx)
        results.append(result)
        console.print(verdict_line(result))
    console.print(summary_table(results, plain=not console.is_terminal))
    findings = [f for r in results for f in r.findings]
    if findings:
        console.print("\nFindings (what the design does not guarantee):")
        for finding in findings:
            console.print(f"  - {finding}", markup=False)
    for result in results:
        if result.details and result.verdict is not Verdict.PASS:
            console.print(f"\n{result.name} — {result.verdict.value}:")
            for line in result.details:
                console.print(f"  {line}", markup=False)
    if args.junit_xml:
        write_junit(args.junit_xml, "tidegate.verify", results)
    code = overall(results)
    console.print(
        f"\n{len(results)} checks in {time.perf_counter() - start:.1f}s: "
        f"{_verdict_words(code)} (exit {int(code)})"
    )
    return int(code)


def overall(results: list[CheckResult]) -> ExitCode:
    """FAILED if any check failed, else INCONCLUSIVE if any was, else OK (none run: FAILED)."""
    if not results or any(r.verdict is Verdict.FAIL for r in results):
        return ExitCode.FAILED
    if any(r.verdict is Verdict.INCONCLUSIVE for r in results):
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


def _verdict_words(code: ExitCode) -> str:
    return {
        ExitCode.OK: "all checks hold",
        ExitCode.FAILED: "a check FAILED",
        ExitCode.INCONCLUSIVE: "INCONCLUSIVE (a budget ran out; not a pass)",
        ExitCode.USAGE: "usage error",
    }[code]
