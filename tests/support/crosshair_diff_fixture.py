"""Broken implementations behind `crosshair.diff.answers_of`, for diffbehavior to catch."""

from __future__ import annotations

from dataclasses import replace

from tests.support.broken_queues import SendsPastBacklog
from tidegate.model import Answer, Ok, Op, OpName, TaskOp
from tidegate.proofs.crosshair.diff import answers_of
from tidegate.proofs.protocol.subjects import ImplRunner, SubjectView


class _OvertakingRunner(ImplRunner):
    """The implementation with a queue that sends past its own backlog."""

    def reset(self, capacity: int, cap: int) -> None:
        super().reset(capacity, cap)
        self.queue = SendsPastBacklog(cap)


def overtaking_answers(capacity: int, cap: int, program: list[int]) -> list[str]:
    """`program` on the implementation with `SendsPastBacklog` as its queue."""
    return answers_of(_OvertakingRunner(), capacity, cap, program)


class _UsedSlotsRunner(ImplRunner):
    """The implementation read through a channel whose `capacity()` counts the slots in
    use instead of the free ones (tokio's `capacity` taken for `max_capacity - capacity`)."""

    def apply(self, op: Op | TaskOp) -> Answer:
        answer = super().apply(op)
        if op.name is OpName.CAPACITY:
            return Ok(self._used())
        return answer

    def view(self) -> SubjectView:
        return replace(super().view(), free_slots=self._used())

    def _used(self) -> int:
        assert self.tx is not None
        return self.tx.max_capacity() - self.tx.capacity()


def used_slots_answers(capacity: int, cap: int, program: list[int]) -> list[str]:
    """`program` on the implementation read through `_UsedSlotsRunner`."""
    return answers_of(_UsedSlotsRunner(), capacity, cap, program)
