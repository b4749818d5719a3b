"""Sessions of v1 and v2 operations, written as short strings, run on a subject runner.

`run(subject, capacity, cap, "try_send 1", "send 2", "poll 1", ...)` feeds the
operations to a fresh model or implementation subject and returns each answer
as `str(answer)` ("ok null", "pending 1", "err Empty", "ok 2"), so a test reads
like PROTOCOL.md's probe table. An operation's argument is its item, or for
`poll` and `cancel` its task id.
"""

from __future__ import annotations

from tidegate.model import Op, OpName, TaskOp, TaskOpName
from tidegate.proofs.protocol.subjects import ImplRunner, make_runner

SUBJECTS = ("model", "impl")


def op(text: str) -> Op | TaskOp:
    """The operation `text` names: "NAME" or "NAME ARG"."""
    name, _, arg = text.partition(" ")
    value = int(arg) if arg else None
    if name in {n.value for n in OpName}:
        return Op(OpName(name), value)
    task_name = TaskOpName(name)
    if task_name.takes_task:
        return TaskOp(task_name, task=value)
    return TaskOp(task_name, item=value)


def run(subject: str, capacity: int, cap: int, *steps: str) -> list[str]:
    """Each step's answer, as text, on a fresh `subject` ("model" or "impl")."""
    runner = make_runner(subject)
    try:
        runner.reset(capacity, cap)
        return [str(runner.apply(op(step))) for step in steps]
    finally:
        if isinstance(runner, ImplRunner):
            runner.close()
