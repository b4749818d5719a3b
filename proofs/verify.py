"""`tidegate verify`: every check in order, each timed, then the summary and the findings.

Each capability's `check.py` gives what verify runs: functions from a
`CheckContext` to a `CheckResult`, sized by `tidegate.proofs.profiles`. This
module runs them in order, times each one with one clock, and hands the
results to `tidegate.proofs.report`; `tidegate.proofs.cli` turns the overall
verdict into the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from rich.console import Console

from tidegate.proofs.cli import exit_code
from tidegate.proofs.conform.check import check_conform
from tidegate.proofs.core import Budget, Check, CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.crosshair.check import check_crosshair, check_crosshair_diff
from tidegate.proofs.differential.check import check_differential
from tidegate.proofs.explore.check import exploration_checks
from tidegate.proofs.flags import output_file
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.protocol.queue_class import QueueFactory, load_queue_class
from tidegate.proofs.recordings.check import check_recordings, check_recordings_on
from tidegate.proofs.report import make_console, summary_table, verdict_line, write_junit


def checks_for(profile: Profile, queue_class: QueueFactory | None = None) -> list[Check]:
    """The checks `verify` runs, in order, for `profile` (each sizes itself to it).

    With `queue_class`, the implementation's recordings and differential checks
    hold that queue class against the model instead of `tidegate.impl`'s.
    """
    # A symbolic search of tidegate.impl's queue against the model: minutes, so thorough only.
    diffbehavior = PROFILES[profile].crosshair.diffbehavior_in_verify and queue_class is None
    return [
        functools.partial(check_recordings, "model"),
        functools.partial(check_recordings, "impl")
        if queue_class is None
        else functools.partial(check_recordings_on, queue_class),
        functools.partial(check_differential, queue_factory=queue_class),
        *exploration_checks(profile),
        check_crosshair,
        *([check_crosshair_diff] if diffbehavior else []),
        check_conform,
        check_interleave,
    ]


ELSEWHERE = (check_crosshair, check_crosshair_diff)
"""Checks whose work runs in child processes of their own (CrossHair's workers): with
two cores or more, verify runs them beside the other checks, one after another, while
this process runs the rest."""


def runs_elsewhere(check: Check) -> bool:
    """True for a check of `ELSEWHERE` (plain or wrapped in functools.partial)."""
    return getattr(check, "func", check) in ELSEWHERE


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


BACKGROUND_NICENESS = 10
"""How much lower the background checks' priority is. CrossHair's budgets are CPU seconds
per condition, so a lower priority changes how long it takes, never what it checks; the
checks in the foreground have wall-clock budgets, and keep the cores they need."""


def _in_background(check: Check, ctx: CheckContext) -> CheckResult:
    """Run `check` timed, at a lower priority that the processes it starts inherit (on
    Linux a thread has a nice value of its own, and a child takes its parent thread's)."""
    with contextlib.suppress(OSError, AttributeError):
        thread = threading.get_native_id()
        # Relative to the thread's own: verify run under `nice -n 5` puts these at 15.
        lower = min(19, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS)
        os.setpriority(os.PRIO_PROCESS, thread, lower)
    return _timed(check, ctx)


def check_label(check: Check) -> str:
    """A name for `check` before it has run (its result names it once it has):
    `differential`, `recordings model`, `bounds C=1 K=1 NQ=3 NO=2`."""
    func = getattr(check, "func", check)
    name = getattr(func, "__name__", type(func).__name__).removeprefix("_").removeprefix("check_")
    # Arguments that say which instance this is (a subject name, exploration bounds); not
    # the shared state or the queue class a partial may also carry.
    args = [
        a
        for a in getattr(check, "args", ())
        if isinstance(a, str | int) or ("__str__" in vars(type(a)) and not callable(a))
    ]
    name = "explore" if name == "bounds" else name.replace("_", " ")
    return " ".join([name, *map(str, args)])


def _timed(check: Check, ctx: CheckContext) -> CheckResult:
    """Run `check`, timed. Whatever it raises, bar a second Ctrl-C, becomes its result: an
    exception (SystemExit included: a check's code must never end verify) is a FAIL naming
    it; Ctrl-C interrupts the run (`ctx.budget`) and makes this check INCONCLUSIVE."""
    start = time.perf_counter()
    try:
        result = check(ctx)
    except KeyboardInterrupt:
        ctx.budget.interrupt()
        result = CheckResult(check_label(check), Verdict.INCONCLUSIVE, 0, "(interrupted)")
        result.details.append("interrupted before it could conclude")
    except BrokenPipeError:
        raise  # nobody reads the output any more: the command ends (see cli)
    except MemoryError:
        result = CheckResult(check_label(check), Verdict.INCONCLUSIVE, 0, "(out of memory)")
        result.details.append("ran out of memory before it could conclude")
    except BaseException as exc:  # SystemExit too: a --queue-class may raise anything
        result = CheckResult(check_label(check), Verdict.FAIL, 0, "(raised)")
        result.details.append(f"the check raised {type(exc).__name__}: {exc}")
        frames = traceback.format_exception(exc)
        result.details.extend(line.rstrip() for line in frames[-6:])
    result.seconds = time.perf_counter() - start
    return result


def _not_run(check: Check) -> CheckResult:
    result = CheckResult(check_label(check), Verdict.INCONCLUSIVE, 0, "(not run)")
    result.details.append("not run: verify was interrupted before it")
    return result


def run_checks(
    checks: Sequence[Check], ctx: CheckContext, parallel: bool = False
) -> list[CheckResult]:
    """Run `checks`, each timed (its `seconds`), and return their results in the order given.

    Each verdict is printed as its check ends. With `parallel`, the checks of `ELSEWHERE`
    run in a background thread (their work is in child processes, so they hold no core
    of this one), one after another, at a lower priority (`BACKGROUND_NICENESS`) and
    without drawing progress; a line says they
    started, and each one's verdict is printed once the foreground check running when it
    ended is done. Everything else runs here, in order, with its progress as usual.
    """
    console = ctx.console
    results: list[CheckResult | None] = [None] * len(checks)
    background = [i for i, check in enumerate(checks) if parallel and runs_elsewhere(check)]
    quiet = CheckContext(ctx.profile, ctx.seed, Console(file=io.StringIO()), ctx.budget)
    pending: dict[int, Future[CheckResult]] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            for i in background:
                pending[i] = pool.submit(_background, checks[i], quiet)
            if background:
                console.print(
                    f"  {len(background)} check(s) started in the background (CrossHair, in "
                    "processes of its own); each prints its verdict when done"
                )

            def report(i: int, future: Future[CheckResult]) -> None:
                result = results[i] = future.result()
                console.print(verdict_line(result) + "  (background)")
                del pending[i]

            for i, check in enumerate(checks):
                if i in background:
                    continue
                if ctx.budget.interrupted:
                    results[i] = _not_run(check)
                    continue
                result = results[i] = _timed(check, ctx)
                console.print(verdict_line(result))
                for j, future in list(pending.items()):
                    if future.done():
                        report(j, future)
            if pending and not ctx.budget.interrupted:
                console.print("  waiting for the background checks")
            for j, future in list(pending.items()):
                report(j, future)
        except KeyboardInterrupt:
            # Between two checks, or while waiting for the background: the background
            # checks see the interrupt within a second and end their processes.
            ctx.budget.interrupt()
            for j, future in list(pending.items()):
                results[j] = future.result()
        except BaseException:
            # Nobody reads the output any more, say: the background stops too, at once,
            # rather than be waited for when the pool closes.
            ctx.budget.interrupt("stopped")
            raise
    return [r if r is not None else _not_run(checks[i]) for i, r in enumerate(results)]


def _background(check: Check, ctx: CheckContext) -> CheckResult:
    """`_timed` in a worker thread: a check not yet started when the run was interrupted
    does not start."""
    return _not_run(check) if ctx.budget.interrupted else _in_background(check, ctx)


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
        "--junit-xml",
        metavar="PATH",
        type=output_file,
        help="also write JUnit XML, one testcase per check (also when interrupted: the "
        "checks that ran)",
    )
    p.add_argument(
        "--queue-class",
        metavar="MODULE:CLASS",
        help="hold this queue class (constructed as CLASS(cap), with tidegate.impl's "
        "BackpressureQueue methods) against the model in the recordings and differential "
        "checks, instead of tidegate.impl's; MODULE is imported from the current directory "
        "first",
    )
    p.add_argument(
        "--serial",
        action="store_true",
        help="run one check at a time (by default, with two cores or more, CrossHair runs "
        "beside the other checks)",
    )
    p.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> Verdict:
    """Every check, then the summary, the findings, the details and JUnit XML. Interrupted
    (Ctrl-C), the checks that ran are summarized as well, the rest listed as not run, and
    the verdict is INCONCLUSIVE (exit 3) whatever they found."""
    console = make_console()
    queue_class = None if args.queue_class is None else load_queue_class(args.queue_class)
    ctx = CheckContext(Profile(args.profile), args.seed, console, Budget())
    console.print(f"tidegate verify: profile {ctx.profile.value}, seed {ctx.seed}")
    start = time.perf_counter()
    parallel = not args.serial and cores() >= 2
    results = run_checks(checks_for(ctx.profile, queue_class), ctx, parallel)
    if ctx.budget.interrupted:
        ran = sum(r.unit != "(not run)" for r in results)
        console.print(f"\ninterrupted: {ran} of {len(results)} checks ran; the summary so far")
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
    verdict = Verdict.INCONCLUSIVE if ctx.budget.interrupted else overall(results)
    console.print(
        f"\n{len(results)} checks in {time.perf_counter() - start:.1f}s: "
        f"{_VERDICT_WORDS[verdict]} (exit {int(exit_code(verdict))})"
    )
    return verdict


def overall(results: Sequence[CheckResult]) -> Verdict:
    """FAIL if any check failed, else INCONCLUSIVE if any was, else PASS (none run: FAIL)."""
    if not results or any(r.verdict is Verdict.FAIL for r in results):
        return Verdict.FAIL
    if any(r.verdict is Verdict.INCONCLUSIVE for r in results):
        return Verdict.INCONCLUSIVE
    return Verdict.PASS


_VERDICT_WORDS = {
    Verdict.PASS: "all checks hold",
    Verdict.FAIL: "a check FAILED",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE (a budget ran out or verify was interrupted; not a pass)",
}
