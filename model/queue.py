"""The reader-side backpressure queue's own state: its cap and its backlog.

The queue's operations need the channel too, so they live in
`tidegate.model.subject`; this module holds only the value.
"""

from __future__ import annotations

from dataclasses import dataclass

DISPATCH_BACKLOG_CAP = 8
"""The seed's cap for the dispatch channel (about 2 s of stall at one snapshot per 250 ms)."""

EVENT_BACKLOG_CAP = 32
"""The seed's cap for the event channel (about 5 ms of stall at 6,000 events/s)."""


@dataclass(frozen=True)
class QueueState:
    """An immutable snapshot of the queue.

    `cap` is how many items the backlog may hold; `backlog` holds them, oldest
    first. cap 0 is valid: the queue never spills, and any Full from the
    channel becomes QueueFull.

    inv: self.cap >= 0
    inv: len(self.backlog) <= self.cap
    """

    cap: int
    backlog: tuple[int, ...] = ()

    @property
    def has_pending(self) -> bool:
        """True while the backlog holds at least one item."""
        return bool(self.backlog)

    @property
    def at_cap(self) -> bool:
        """True when one more spill would break the cap."""
        return len(self.backlog) >= self.cap
