"""`tidegate.model.enabled`: the one rule of which operations a trace may issue, and the
generators that follow it."""

from __future__ import annotations

import random
from collections.abc import Sequence

from tidegate import model
from tidegate.model import Op, OpName, TaskOp, TaskOpName
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import reachable_kinds
from tidegate.proofs.conform.generate import coverage_cases, random_case
from tidegate.proofs.crosshair.diff import decode_program

RECEIVER_OPS = {OpName.TRY_RECV, OpName.CLOSE, OpName.DROP_RECEIVER}


def test_every_operation_is_enabled_until_the_receiver_is_dropped() -> None:
    s = model.new(1, 1)
    assert model.enabled(s) == tuple(OpName)
    closed = model.close(s).state
    assert model.enabled(closed) == tuple(OpName)
    dropped = model.drop_receiver(closed).state
    assert set(model.enabled(dropped)) == set(OpName) - RECEIVER_OPS
    assert list(model.enabled(dropped)) == [n for n in OpName if n not in RECEIVER_OPS]


def test_task_operations_enabled_follow_the_pending_tasks_and_the_receiver() -> None:
    """`enabled_tasks` / `pollable_tasks`: poll and cancel need a task; after drop_receiver
    no recv starts and no recv task is polled (a parked send still is)."""
    starts = (TaskOpName.SEND, TaskOpName.RECV, TaskOpName.NOTIFIED, TaskOpName.NOTIFY_ONE)
    s = model.new(1, 0)
    assert model.enabled_tasks(s) == starts and model.pollable_tasks(s) == ()
    for op in (
        TaskOp(TaskOpName.RECV),  # pending 1
        Op(OpName.TRY_SEND, 7),  # fills the slot
        TaskOp(TaskOpName.SEND, item=8),  # pending 2
        TaskOp(TaskOpName.NOTIFIED),  # pending 3
    ):
        s = model.apply(s, op).state
    assert model.enabled_tasks(s) == (*starts, TaskOpName.POLL, TaskOpName.CANCEL)
    assert model.pollable_tasks(s) == (1, 2, 3)
    dropped = model.drop_receiver(s).state
    assert model.enabled_tasks(dropped) == (
        TaskOpName.SEND,
        TaskOpName.NOTIFIED,
        TaskOpName.NOTIFY_ONE,
        TaskOpName.POLL,
        TaskOpName.CANCEL,
    )
    assert model.pollable_tasks(dropped) == (2, 3)
    only_recv = model.drop_receiver(model.recv(model.new(1, 0)).state).state
    assert model.pollable_tasks(only_recv) == () and TaskOpName.POLL not in model.enabled_tasks(
        only_recv
    )


def test_a_case_is_valid_only_while_every_step_is_enabled() -> None:
    ops = (model.Op(OpName.DROP_RECEIVER), model.Op(OpName.CAPACITY))
    assert Case(1, 0, ops).valid()
    assert not Case(1, 0, (*ops, model.Op(OpName.TRY_RECV))).valid()
    assert not Case(1, 0, (*ops, model.Op(OpName.DROP_RECEIVER))).valid()


def nothing_asked_of_a_dropped_receiver(ops: Sequence[model.Op | model.TaskOp]) -> bool:
    """PROTOCOL.md's rule, stated here on its own: no receiver operation after a drop."""
    dropped = False
    for op in ops:
        if dropped and op.name in RECEIVER_OPS:
            return False
        dropped = dropped or op.name is OpName.DROP_RECEIVER
    return True


def test_generated_cases_and_programs_issue_only_enabled_operations() -> None:
    rng = random.Random(3)
    cases = [random_case(rng, index, 300) for index in range(40)]
    cases += coverage_cases(reachable_kinds(), random.Random(0))
    assert all(case.valid() and nothing_asked_of_a_dropped_receiver(case.ops) for case in cases)
    # Some of them do drop the receiver, so the rule was put to the test.
    assert sum(any(op.name is OpName.DROP_RECEIVER for op in c.ops) for c in cases) > 5
    program = [5, 3, 4, 5, 3, 6] * 3  # drop_receiver, then try_recv/close/drop again
    assert nothing_asked_of_a_dropped_receiver(decode_program(program))


def test_operations_read_as_their_wire_names() -> None:
    """Mutation: kills the string mutants of `Op.__str__` (model/ops.py)."""
    assert str(Op(OpName.ENQUEUE_OR_SEND, 3)) == "enqueue_or_send(3)"
    assert str(Op(OpName.TRY_RECV)) == "try_recv"
