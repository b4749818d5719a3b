"""Broken task transitions (v2), each caught by the model's own contracts under CrossHair, with
a counterexample, on the small subjects with tasks that the quick and default profiles search.

As for the v1 transitions (`test_broken_model.py`; `test_broken_task_model.py` catches
task transitions by exploration): the wrong transitions are the model's own
`tasks.py` with one line of code changed (its contracts untouched), written to a temporary
module, so the test shows that the contracts the model ships catch the bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import tidegate.model.tasks
from tidegate.proofs.core import CheckContext, Profile, Verdict
from tidegate.proofs.crosshair.check import TASK_TRANSITIONS, crosshair_result
from tidegate.proofs.crosshair.run import CrosshairBudget, contract_targets
from tidegate.proofs.profiles import PROFILES

# The search the quick and default profiles run over the task transitions, with a budget
# that finds these bugs on a loaded machine too (CrossHair's timeout is wall-clock time).
SMALL = CrosshairBudget(per_condition=3.0, overall=120.0, small_tasks=True)
assert PROFILES[Profile.QUICK].crosshair.task_transitions is not None


def ctx() -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=None, force_terminal=False, quiet=True))


WRONG_TASK_TRANSITIONS = {
    # send gives a task id to a send that completed at its first poll.
    "send_numbers_a_completed_send": (
        "    channel, answer = channel_send(s.channel, task, item)\n"
        "    last = task if isinstance(answer, Pending) else s.last_task\n",
        "    channel, answer = channel_send(s.channel, task, item)\n    last = task\n",
        "send",
    ),
    # recv answers pending but does not keep the receive as a task.
    "recv_forgets_its_pending_receive": (
        "s.receives + (task,), task)",
        "s.receives, task)",
        "recv",
    ),
}


def wrong_tasks(tmp_path: Path, bug: str) -> list[tuple[str, int]]:
    """Write the model's tasks.py with `bug` applied as module `wrong_tasks`; return the
    broken function as a CrossHair target."""
    old, new, function = WRONG_TASK_TRANSITIONS[bug]
    source = Path(tidegate.model.tasks.__file__).read_text()
    assert source.count(old) == 1, f"the model changed: {old!r} no longer found once"
    (tmp_path / "wrong_tasks.py").write_text(source.replace(old, new))
    weight = dict(contract_targets([TASK_TRANSITIONS]))[f"{TASK_TRANSITIONS}.{function}"]
    return [(f"wrong_tasks.{function}", weight)]


@pytest.mark.parametrize("bug", sorted(WRONG_TASK_TRANSITIONS))
def test_a_wrong_task_transition_fails_with_its_counterexample(tmp_path: Path, bug: str) -> None:
    targets = wrong_tasks(tmp_path, bug)
    result = crosshair_result("crosshair", targets, SMALL, ctx(), cwd=tmp_path)
    assert result.verdict is Verdict.FAIL, result.details
    shown = "\n".join(result.details)
    assert "wrong_tasks.py:" in shown and "post:" in shown
    assert f"when calling {targets[0][0].split('.')[1]}(Subject(" in shown


@pytest.mark.slow
def test_the_real_task_transition_passes_with_the_same_budget() -> None:
    """Slow (the quick profile runs the real transitions in every `verify`)."""
    name = f"{TASK_TRANSITIONS}.recv"
    targets = [t for t in contract_targets([TASK_TRANSITIONS]) if t[0] == name]
    result = crosshair_result("crosshair", targets, SMALL, ctx())
    assert result.verdict is Verdict.PASS, result.details
    assert result.cases == targets[0][1] >= 4
