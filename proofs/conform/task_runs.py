"""Random runs that mix the task operations (v2) with v1 ones, as traces judged by the model.

`mixed_task_trace` walks the model from `new(capacity, cap)`: at each step it issues
an operation the model enables there (`tidegate.model.enabled`,
`enabled_tasks`; `poll` and `cancel` name one of `pollable_tasks`), a task
operation about half the time, and records the model's answer; the receiver
closes or drops only after a random number of steps (often never). Items are
distinct and follow the task recordings' numbering: `enqueue_or_send` k,
`try_send` 1000 + k, `send` 2000 + k, where k counts the item operations. Such
a trace holds no request error, as the recordings hold none.
"""

from __future__ import annotations

import random

from tidegate import model
from tidegate.model import Op, OpName, TaskOp, TaskOpName
from tidegate.proofs.protocol.traces import Trace, model_trace

_ITEM_BASE = {OpName.ENQUEUE_OR_SEND: 0, OpName.TRY_SEND: 1000, TaskOpName.SEND: 2000}
_ENDS = (OpName.CLOSE, OpName.DROP_RECEIVER)


def mixed_task_trace(
    rng: random.Random, trace_id: str, capacity: int, cap: int, steps: int
) -> Trace:
    """A trace of `steps` operations from `new(capacity, cap)`, tasks mixed with v1 (see the
    module docstring); its results are the model's answers."""
    state = model.new(capacity, cap)
    ops: list[Op | TaskOp] = []
    items = 0
    # The receiver closes or drops only after this many steps (often never): a run that
    # ended it early would spend the rest answering Closed.
    lives = rng.randrange(steps + steps // 2 + 1)
    for step in range(steps):
        v1 = [n for n in model.enabled(state) if step >= lives or n not in _ENDS]
        choices: list[OpName | TaskOpName] = (
            list(model.enabled_tasks(state)) if rng.random() < 0.5 else list(v1)
        )
        name = rng.choice(choices)
        item = None
        if name in _ITEM_BASE:
            items += 1
            item = _ITEM_BASE[name] + items
        op: Op | TaskOp
        if isinstance(name, OpName):
            op = Op(name, item)
        elif name.takes_task:
            op = TaskOp(name, task=rng.choice(model.pollable_tasks(state)))
        else:
            op = TaskOp(name, item=item)
        state = model.apply(state, op).state
        ops.append(op)
    return model_trace(trace_id, capacity, cap, ops)
