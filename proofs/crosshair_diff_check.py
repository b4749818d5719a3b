"""The `crosshair diffbehavior` check: model against implementation, programs searched symbolically.

Runs `python -m crosshair diffbehavior` on `crosshair_diff.model_answers` and
`crosshair_diff.impl_answers` (or any two such functions). CrossHair exits 0
when it found no input on which they differ, 1 when it found one (printed
after `Given:`), 2 on its own errors.

- FAIL: a program on which the two answer differently, shown as CrossHair prints it;
- PASS: no difference within the per-condition budget (a bounded search, like
  every randomized check: it proves nothing beyond the paths it explored);
- INCONCLUSIVE: CrossHair could not run, or the wall-clock cut-off ended it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tidegate.proofs.checks import CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.crosshair_run import PLUGIN

MODEL = "tidegate.proofs.crosshair_diff.model_answers"
IMPL = "tidegate.proofs.crosshair_diff.impl_answers"

BUDGETS = {Profile.QUICK: 10.0, Profile.DEFAULT: 30.0, Profile.THOROUGH: 240.0}
"""CPU seconds CrossHair may search; only the thorough profile runs this check by default."""

_ITERATIONS = re.compile(r"attempted (\d+) iterations")


@dataclass(frozen=True)
class DiffOutcome:
    """What one `crosshair diffbehavior` run said: its exit code and its output."""

    code: int | None
    output: str
    seconds: float

    @property
    def iterations(self) -> int:
        match = _ITERATIONS.search(self.output)
        return int(match[1]) if match else 0


def diffbehavior(
    first: str, second: str, cpu_seconds: float, cwd: Path | None = None
) -> DiffOutcome:
    """Run `crosshair diffbehavior first second`; cut off after about twice `cpu_seconds`
    of wall time plus a minute (code None)."""
    command = [
        sys.executable,
        "-m",
        "crosshair",
        "diffbehavior",
        f"--extra_plugin={PLUGIN}",
        f"--per_condition_timeout={cpu_seconds}",
        first,
        second,
    ]
    start = time.monotonic()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=cwd, timeout=2 * cpu_seconds + 60
        )
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return DiffOutcome(None, partial, time.monotonic() - start)
    output = done.stdout + done.stderr
    return DiffOutcome(done.returncode, output, time.monotonic() - start)


def check_crosshair_diff(ctx: CheckContext) -> CheckResult:
    """The model's and the implementation's answers to symbolically searched programs."""
    budget = BUDGETS[ctx.profile]
    ctx.console.print(f"  crosshair diffbehavior: searching for {budget:g} CPU s", markup=False)
    outcome = diffbehavior(MODEL, IMPL, budget)
    return diff_result("crosshair diffbehavior (model vs impl)", outcome)


def diff_result(name: str, outcome: DiffOutcome) -> CheckResult:
    """Judge one diffbehavior run (see the module's docstring)."""
    if outcome.code == 0:
        verdict = Verdict.PASS
    elif outcome.code == 1 and "Given:" in outcome.output:
        verdict = Verdict.FAIL
    else:
        verdict = Verdict.INCONCLUSIVE
    result = CheckResult(name, verdict, outcome.iterations, "iterations", outcome.seconds)
    if verdict is Verdict.FAIL:
        result.details.extend(outcome.output.strip().splitlines())
    elif verdict is Verdict.INCONCLUSIVE:
        why = "cut off" if outcome.code is None else f"crosshair exited with {outcome.code}"
        tail = outcome.output.strip().splitlines()[-3:]
        result.details.extend([why, *tail])
    return result
