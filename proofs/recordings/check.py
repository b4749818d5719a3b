"""The recordings check: the tokio recordings replayed against a subject.

The model and the implementation replay both files, the 600 v1 traces and the 600 v2
traces (tasks mixed with v1 operations). A queue class has no channel tasks, so it
replays the v1 file only, and its result says so."""

from __future__ import annotations

from tidegate.proofs.core import CheckContext, CheckResult, Verdict
from tidegate.proofs.protocol.queue_class import QueueFactory, QueueRunner, describe
from tidegate.proofs.protocol.subjects import Runner, make_runner
from tidegate.proofs.protocol.traces import Trace, recorded_task_traces, recorded_traces
from tidegate.proofs.recordings.replay import replay_all
from tidegate.proofs.report import progress


def check_recordings(subject: str, ctx: CheckContext) -> CheckResult:
    """PASS when every recorded answer of both files (v1, then v2 with tasks) is
    reproduced by `subject` ("model" or "impl")."""
    return check_recordings_with(
        make_runner(subject), subject, ctx, recorded_traces() + recorded_task_traces()
    )


def check_recordings_with(
    runner: Runner, name: str, ctx: CheckContext, traces: list[Trace]
) -> CheckResult:
    """PASS when `runner` reproduces every answer of `traces`; FAIL lists the first
    divergences and the first diverging trace as a line that replays anywhere; no trace
    at all is a FAIL (nothing was checked)."""
    with progress(ctx.console, f"recordings on {name}", len(traces)) as tick:
        report = replay_all(traces, runner, tick, ctx.budget)
    verdict = Verdict.PASS if report.ok else Verdict.FAIL
    if report.stopped is not None and not report.divergences:
        verdict = Verdict.INCONCLUSIVE
    result = CheckResult(
        name=f"recordings ({name})", verdict=verdict, cases=report.traces, unit="traces"
    )
    if report.stopped is not None:
        result.details.append(f"stopped ({report.stopped}) after {report.traces} traces")
    shown = report.divergences[:5]
    result.details.extend(d.describe() for d in shown)
    result.details.extend(d.trace.to_json() for d in shown[:1])
    if len(report.divergences) > len(shown):
        result.details.append(f"... and {len(report.divergences) - len(shown)} more")
    return result


def check_recordings_on(factory: QueueFactory, ctx: CheckContext) -> CheckResult:
    """The recordings check against a queue class: the v1 recordings only (a queue
    class has no channel tasks to replay the v2 file on), said in the details."""
    result = check_recordings_with(QueueRunner(factory), describe(factory), ctx, recorded_traces())
    result.details.insert(0, "v1 recordings only: a queue class has no channel tasks (v2)")
    return result
