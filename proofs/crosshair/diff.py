"""Model and implementation as two plain functions, for `crosshair diffbehavior`.

`crosshair diffbehavior A B` searches for one input on which A and B return
different values. Here the input is a whole program: a capacity, a cap and a
list of ints, each decoding to one operation; the output is every answer and
the final observable state. CrossHair explores those ints symbolically, so it
searches programs by the branches they take, not at random:

    python -m crosshair diffbehavior --per_condition_timeout=60 \\
        tidegate.proofs.crosshair.diff.model_answers tidegate.proofs.crosshair.diff.impl_answers

Sizes are folded into small bounds (capacity 1..3, cap 0..3, at most
`MAX_STEPS` operations) so that every path is short; items are distinct by
construction (the queue's 1, 2, ...; the other producer's 1001, 1002, ...),
as in the recordings, so order and loss show in the answers.
"""

from __future__ import annotations

from collections.abc import Callable

from tidegate import model
from tidegate.model import Op, OpName
from tidegate.proofs.protocol.subjects import ImplRunner, ModelRunner, Runner

MAX_STEPS = 10

_OPS = (
    OpName.ENQUEUE_OR_SEND,
    OpName.TRY_DRAIN_ONE,
    OpName.TRY_SEND,
    OpName.TRY_RECV,
    OpName.CLOSE,
    OpName.DROP_RECEIVER,
    OpName.CAPACITY,
    OpName.LEN,
)


def decode_program(program: list[int], capacity: int = 1, cap: int = 0) -> list[Op]:
    """The operations `program` stands for on `new(capacity, cap)`: each int picks one of
    `_OPS` (modulo their number); the sending operations get the next distinct item of
    their producer. An operation the model does not enable where it falls
    (`tidegate.model.enabled`: nothing is asked of a dropped receiver) is skipped."""
    ops: list[Op] = []
    queued = other = 0
    state = model.new(capacity, cap)
    for code in program[:MAX_STEPS]:
        name = _OPS[code % len(_OPS)]
        if name not in model.enabled(state):
            continue
        if name is OpName.ENQUEUE_OR_SEND:
            queued += 1
            op = Op(name, queued)
        elif name is OpName.TRY_SEND:
            other += 1
            op = Op(name, 1000 + other)
        else:
            op = Op(name)
        state = model.apply(state, op).state
        ops.append(op)
    return ops


def answers_of(runner: Runner, capacity: int, cap: int, program: list[int]) -> list[str]:
    """Every answer of `program` on `runner`, then its final observable state, as text."""
    capacity, cap = 1 + capacity % 3, cap % 4
    runner.reset(capacity, cap)
    answers = [f"{op} -> {runner.apply(op)}" for op in decode_program(program, capacity, cap)]
    view: Callable[[], object] = runner.view  # type: ignore[attr-defined]
    return [*answers, f"state {view()}"]


def model_answers(capacity: int, cap: int, program: list[int]) -> list[str]:
    """`program` on the model."""
    return answers_of(ModelRunner(), capacity, cap, program)


def impl_answers(capacity: int, cap: int, program: list[int]) -> list[str]:
    """`program` on the asyncio implementation."""
    return answers_of(ImplRunner(), capacity, cap, program)
