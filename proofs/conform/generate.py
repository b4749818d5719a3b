"""Operation sequences from the model: coverage-guided first, then long wide random runs.

`coverage_cases` walks toward every reachable kind at small bounds: it starts
from the shortest path to a kind not yet covered, then keeps choosing, among
the operations allowed next, one whose kind is still uncovered (the model says
which), so each case sweeps many kinds. `random_cases` then goes far beyond the
recordings (capacity 1-5, cap 0-8, items up to 1022, 40 steps): capacity up to
`WIDE_CAPACITY`, cap up to `WIDE_CAP` with the seed's caps 8 and 32 in the first
runs, distinct items over the whole signed 64-bit range, hundreds of steps,
alternating fill and drain phases so that large channels and backlogs really
fill up and empty again.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import replace

from tidegate import model
from tidegate.model import I64_MAX, I64_MIN, Op, OpName, TaskOp, TaskOpName
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import Classifier, K, NextOps, allowed_ops, kind_of, kinds_of
from tidegate.proofs.core import Budget

WIDE_CAPACITY = 72
WIDE_CAP = 72
ANCHORS: tuple[tuple[int, int], ...] = ((64, 8), (3, 32), (1, 64), (40, 32), (72, 8), (5, 72))
"""The first random runs' (capacity, cap): the seed's caps and the widest bounds, always run."""
ANCHOR_STEPS = 100
"""The fewest steps an anchor run needs to count toward the coverage goal: enough to fill
and empty its channel and backlog. Shorter (`--max-steps` below it), the goal is not met."""

_EDGE_ITEMS = (I64_MIN, I64_MAX, 2**31, -(2**31) - 1, 2**32, 2**53 + 1, -1, 0)

_PHASES: dict[str, dict[OpName, int]] = {
    "fill": {
        OpName.ENQUEUE_OR_SEND: 40,
        OpName.TRY_SEND: 25,
        OpName.TRY_RECV: 8,
        OpName.TRY_DRAIN_ONE: 12,
        OpName.HAS_PENDING: 5,
        OpName.LEN: 5,
        OpName.CAPACITY: 5,
    },
    "drain": {
        OpName.ENQUEUE_OR_SEND: 10,
        OpName.TRY_SEND: 5,
        OpName.TRY_RECV: 40,
        OpName.TRY_DRAIN_ONE: 30,
        OpName.HAS_PENDING: 5,
        OpName.LEN: 5,
        OpName.CAPACITY: 5,
    },
    "churn": {
        OpName.ENQUEUE_OR_SEND: 30,
        OpName.TRY_SEND: 10,
        OpName.TRY_RECV: 40,
        OpName.TRY_DRAIN_ONE: 15,
        OpName.HAS_PENDING: 2,
        OpName.LEN: 2,
        OpName.CAPACITY: 1,
    },
    "mixed": {
        OpName.ENQUEUE_OR_SEND: 25,
        OpName.TRY_SEND: 15,
        OpName.TRY_RECV: 25,
        OpName.TRY_DRAIN_ONE: 20,
        OpName.HAS_PENDING: 5,
        OpName.LEN: 5,
        OpName.CAPACITY: 5,
    },
}


class Items:
    """Distinct items: mostly uniform over the signed 64-bit range, some small, some edges."""

    def __init__(self, rng: random.Random, wide: bool = True) -> None:
        self.rng = rng
        self.wide = wide
        self.used: set[int] = set()
        self.edges = list(_EDGE_ITEMS)
        rng.shuffle(self.edges)

    def next(self) -> int:
        """A fresh item never returned before by this source."""
        while True:
            roll = self.rng.random()
            if not self.wide or roll < 0.3:
                item = len(self.used) + 1
            elif roll < 0.35 and self.edges:
                item = self.edges.pop()
            else:
                item = self.rng.randint(I64_MIN, I64_MAX)
            if item not in self.used:
                self.used.add(item)
                return item


def coverage_cases(
    targets: Mapping[K, Case],
    rng: random.Random,
    extend: int = 24,
    key: Classifier[K] = kind_of,  # type: ignore[assignment]
    moves: NextOps = allowed_ops,
) -> Iterator[Case]:
    """Cases that together exercise every target (see the module docstring).

    `targets` maps each `key(state, op, answer)` to a shortest case reaching it,
    as `tidegate.proofs.conform.coverage.reachable` gives; the default key is
    the coverage kind. `moves(state, item)` lists the operations a case may
    take next (default: the v1 ones).
    """
    covered: set[K] = set()
    for target in sorted(targets, key=repr):
        if target in covered:
            continue
        start = targets[target]
        items = Items(rng, wide=False)
        ops = [_renumber(op, items) for op in start.ops]
        state = model.new(start.capacity, start.cap)
        for op in ops:
            state = model.apply(state, op).state
        seen = covered | kinds_of(Case(start.capacity, start.cap, tuple(ops)), key)
        for _ in range(extend):
            choices = moves(state, items.next())
            keys = [key(state, op, model.apply(state, op).answer) for op in choices]
            fresh = [op for op, k in zip(choices, keys, strict=True) if k not in seen]
            op = rng.choice(fresh or choices)
            after, answer, _ = model.apply(state, op)
            seen.add(key(state, op, answer))
            ops.append(op)
            state = after
        case = Case(start.capacity, start.cap, tuple(ops))
        covered |= kinds_of(case, key)
        yield case


def _renumber(op: Op | TaskOp, items: Items) -> Op | TaskOp:
    return replace(op, item=items.next()) if op.name.takes_item else op


def random_case(
    rng: random.Random, index: int, max_steps: int, budget: Budget | None = None
) -> Case:
    """The `index`-th wide random run: anchored bounds first, then random ones.

    Raises BudgetExhausted when `budget` runs out while the run is built."""
    if index < len(ANCHORS):
        capacity, cap = ANCHORS[index]
    else:
        capacity = rng.randint(1, 8) if rng.random() < 0.4 else rng.randint(1, WIDE_CAPACITY)
        cap = rng.choice((0, 8, 32, rng.randint(1, 4), rng.randint(0, WIDE_CAP)))
    length = rng.randint(min(100, max_steps), max_steps)
    return random_run(rng, capacity, cap, length, budget)


def random_run(
    rng: random.Random, capacity: int, cap: int, length: int, budget: Budget | None = None
) -> Case:
    """`length` random steps on `new(capacity, cap)`, in fill, drain, churn and mixed
    phases; raises BudgetExhausted when `budget` runs out while the run is built."""
    items = Items(rng)
    phase = rng.choice(list(_PHASES))
    # Closing or dropping ends all sending, so it comes late in a run, if at all.
    ending = rng.choice((None, None, OpName.CLOSE, OpName.DROP_RECEIVER))
    end_at = int(length * rng.uniform(0.7, 1.0))
    ops: list[Op] = []
    state = model.new(capacity, cap)
    for step in range(length):
        if budget is not None and step % 4096 == 4095:
            budget.check()
        if rng.random() < 0.06:
            phase = rng.choice(list(_PHASES))
        if step == end_at and ending is not None:
            name = ending
        else:
            weights = _PHASES[phase]
            allowed = model.enabled(state)
            names = [n for n in weights if n in allowed]
            name = rng.choices(names, [weights[n] for n in names])[0]
        op = Op(name, items.next() if name.takes_item else None)
        state = model.apply(state, op).state
        ops.append(op)
    return Case(capacity, cap, tuple(ops))


_TASK_WEIGHTS: dict[TaskOpName, int] = {
    TaskOpName.SEND: 14,
    TaskOpName.RECV: 8,
    TaskOpName.NOTIFIED: 6,
    TaskOpName.NOTIFY_ONE: 6,
    TaskOpName.POLL: 16,
    TaskOpName.CANCEL: 6,
}
TASK_RUN_STEPS = 120
"""The longest random task run: task bugs are about order, not size."""


def task_run(rng: random.Random, max_steps: int) -> Case:
    """A random run mixing tasks with v1 operations on a small channel (capacity 1-4, cap
    0-4), where sends park and slots are handed over: 10 to min(`max_steps`,
    `TASK_RUN_STEPS`) steps, about half of them task operations (a `poll` or `cancel`
    names a pending task at random), closing or dropping the receiver somewhere in
    the second half in half the runs, the tasks still pending then polled after it."""
    capacity, cap = rng.randint(1, 4), rng.choice((0, 0, 1, 2, 4))
    length = rng.randint(min(10, max_steps), min(max_steps, TASK_RUN_STEPS))
    items = Items(rng, wide=rng.random() < 0.2)
    ending = rng.choice((None, OpName.CLOSE, OpName.DROP_RECEIVER))
    end_at = int(length * rng.uniform(0.5, 0.9))
    weights = _PHASES["mixed"]
    state = model.new(capacity, cap)
    ops: list[Op | TaskOp] = []
    for step in range(length):
        op: Op | TaskOp
        if step == end_at and ending is not None and ending in model.enabled(state):
            op = Op(ending)
        elif rng.random() < 0.5:
            names = [n for n in weights if n in model.enabled(state)]
            name = rng.choices(names, [weights[n] for n in names])[0]
            op = Op(name, items.next() if name.takes_item else None)
        else:
            allowed = model.enabled_tasks(state)
            task_names = [n for n in _TASK_WEIGHTS if n in allowed]
            task_name = rng.choices(task_names, [_TASK_WEIGHTS[n] for n in task_names])[0]
            task = rng.choice(model.pollable_tasks(state)) if task_name.takes_task else None
            op = TaskOp(task_name, items.next() if task_name.takes_item else None, task)
        state = model.apply(state, op).state
        ops.append(op)
    return Case(capacity, cap, tuple(ops))
