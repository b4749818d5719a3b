"""Turning explorations into verdicts and readable lines (shared by the command and verify)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tidegate.impl.variants import Variant
from tidegate.proofs.core import Verdict
from tidegate.proofs.interleave.bounds import REMOVED_BY, SEED_FINDINGS
from tidegate.proofs.interleave.explore import InterleaveExploration
from tidegate.proofs.interleave.properties import Finding
from tidegate.proofs.interleave.schedule import format_replay


@dataclass
class Summary:
    """The verdict over several explorations, the lines that explain it, and the findings."""

    verdict: Verdict = Verdict.PASS
    executions: int = 0
    states: int = 0
    failures: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    shown: dict[Variant, set[Finding]] = field(default_factory=dict)

    def fail(self, line: str) -> None:
        self.verdict = Verdict.FAIL
        self.failures.append(line)


def headline(ex: InterleaveExploration) -> str:
    """One line: the scenario, how much was covered, in how long."""
    cut = f", STOPPED: {ex.stopped}" if ex.stopped else ""
    if ex.mode != "exhaustive":
        return (
            f"{ex.scenario}: {ex.executions:,} schedules, {len(ex.outcomes)} distinct outcomes "
            f"({ex.mode}, {ex.seconds:.1f}s{cut})"
        )
    done = "all schedules" if ex.exhausted else f"BUDGET RAN OUT: {ex.stopped or 'budget'}"
    stuck = f", {ex.stuck} left a task waiting forever" if ex.stuck else ""
    return (
        f"{ex.scenario}: {ex.executions:,} schedules, {ex.states:,} states, "
        f"{ex.complete:,} complete runs{stuck}, {len(ex.outcomes)} outcomes "
        f"({done}, {ex.seconds:.1f}s)"
    )


def summarize(explorations: list[InterleaveExploration]) -> Summary:
    """FAIL on any property broken or any finding a variant claims to remove; INCONCLUSIVE
    when an exhaustive exploration ran out of budget; else PASS."""
    out = Summary()
    shortest: dict[tuple[Variant, Finding], tuple[int, str]] = {}
    for ex in explorations:
        variant = ex.scenario.variant
        out.executions += ex.executions
        out.states += ex.states
        out.shown.setdefault(variant, set()).update(ex.findings)
        for prop, witness in ex.violations.items():
            out.fail(
                f"{prop.value} broken in {ex.scenario}: {witness.event.detail}; "
                f"replay: {format_replay(ex.scenario, witness.schedule)}"
            )
        for finding, witness in ex.findings.items():
            line = (
                f"{finding.value}: {witness.event.detail}; "
                f"replay: {format_replay(ex.scenario, witness.schedule)}"
            )
            if finding in REMOVED_BY[variant]:
                out.fail(f"variant {variant.value} claims to remove '{finding.value}' but: {line}")
            elif (variant, finding) not in shortest or len(witness.schedule) < shortest[
                (variant, finding)
            ][0]:
                shortest[(variant, finding)] = (len(witness.schedule), f"[{variant.value}] {line}")
        short = ex.stopped is not None or (ex.mode == "exhaustive" and not ex.exhausted)
        if short and out.verdict is Verdict.PASS:
            out.verdict = Verdict.INCONCLUSIVE
            why = f" ({ex.stopped})" if ex.stopped else ""
            out.failures.append(
                f"budget ran out before every schedule of {ex.scenario} was run{why}"
            )
    out.findings = [line for _, line in shortest.values()]
    return out


def missing_seed_findings(summary: Summary) -> list[Finding]:
    """The seed findings the explorations did not show (only meaningful at default bounds)."""
    shown = summary.shown.get(Variant.SEED, set())
    return [f for f in SEED_FINDINGS if f not in shown]
