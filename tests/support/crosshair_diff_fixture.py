"""A broken implementation behind `crosshair.diff.answers_of`, for diffbehavior to catch."""

from __future__ import annotations

from tests.support.broken_queues import SendsPastBacklog
from tidegate.proofs.crosshair.diff import answers_of
from tidegate.proofs.protocol.subjects import ImplRunner


class _OvertakingRunner(ImplRunner):
    """The implementation with a queue that sends past its own backlog."""

    def reset(self, capacity: int, cap: int) -> None:
        super().reset(capacity, cap)
        self.queue = SendsPastBacklog(cap)


def overtaking_answers(capacity: int, cap: int, program: list[int]) -> list[str]:
    """`program` on the implementation with `SendsPastBacklog` as its queue."""
    return answers_of(_OvertakingRunner(), capacity, cap, program)
