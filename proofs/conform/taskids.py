"""Task ids that survive shrinking: steps that name their task by the step that started it.

PROTOCOL.md numbers tasks 1, 2, 3, ... in the order they went pending, so
removing or changing one step of a case renumbers every later task, and a
`poll 3` may come to name another task, or none. A shrinker therefore edits a
*tagged* case: `tag` gives each step a tag (its index in the case it came
from) and rewrites each `poll` and `cancel` to name the tag of the step that
started its task. `untag` turns an edited tagged sequence back into a case on
any parameters, running the model to give the tasks their ids afresh; a
`poll` or `cancel` whose task no longer exists there (its start was removed,
completed at once, or its task finished or was cancelled earlier) is left
out, as is one of a `recv` task after `drop_receiver`: what comes out is
always a sequence a trace may hold (`Case.valid`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tidegate import model
from tidegate.model import Op, Pending, TaskOp
from tidegate.proofs.conform.cases import Case

Tagged = tuple[int, Op | TaskOp]
"""A step and its tag; a tagged `poll` or `cancel` names, as its task, the tag of the step
that started the task (-1: none)."""


def tag(case: Case) -> tuple[Tagged, ...]:
    """`case`'s steps, each tagged with its index, polls and cancels naming their start."""
    state = model.new(case.capacity, case.cap)
    started: dict[int, int] = {}
    tagged: list[Tagged] = []
    for index, op in enumerate(case.ops):
        after, answer, _ = model.apply(state, op)
        if isinstance(op, TaskOp) and op.task is not None:
            tagged.append((index, replace(op, task=started.get(op.task, -1))))
        else:
            tagged.append((index, op))
        if isinstance(op, TaskOp) and op.name.starts_task and isinstance(answer, Pending):
            started[answer.task] = index
        state = after
    return tuple(tagged)


def untag(capacity: int, cap: int, tagged: Iterable[Tagged]) -> Case:
    """The case `tagged` stands for on `new(capacity, cap)`, with task ids given afresh
    (see the module docstring for the steps left out)."""
    state = model.new(capacity, cap)
    ids: dict[int, int] = {}
    ops: list[Op | TaskOp] = []
    for label, op in tagged:
        if isinstance(op, TaskOp) and op.task is not None:
            task = ids.get(op.task)
            if task is None or task not in model.pollable_tasks(state):
                continue
            op = replace(op, task=task)
        after, answer, _ = model.apply(state, op)
        if isinstance(op, TaskOp) and op.name.starts_task and isinstance(answer, Pending):
            ids[label] = answer.task
        ops.append(op)
        state = after
    return Case(capacity, cap, tuple(ops))
