"""Queue classes whose code raises where no queue should: `tidegate verify --queue-class`
must report each as a failing check, never end early or pass (issue 14, row 4)."""

from __future__ import annotations

from tidegate.impl import BackpressureQueue, Sender


class ExitsMidway(BackpressureQueue[int]):
    """Calls sys.exit(0) on its fifth send: a port's `exit()` left in a code path."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        self.sends = getattr(self, "sends", 0) + 1
        if self.sends == 5:
            raise SystemExit(0)
        super().enqueue_or_send(tx, item)


class MissesAKey(BackpressureQueue[int]):
    """Raises KeyError from try_drain_one once its backlog has held two items."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        if len(self) >= 2:
            raise KeyError("slot")
        return super().try_drain_one(tx)
