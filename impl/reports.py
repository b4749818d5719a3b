"""What each task of the protocol says about every item it touched, when it ends.

A loop fills its report as it goes (pass one in to read it even after a
cancellation); when the loop returns, every item it was handed is in exactly
one list. Nothing an item can become is left unsaid: delivered, refused (never
accepted, the caller was told), lost (accepted, then discarded, and reported
here), or left (still in a backlog or buffer when the loop ended).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class ReaderEnd(enum.Enum):
    """Why the reader loop ended."""

    EOF = "eof"
    """The source ended and the backlog was empty: nothing left behind."""
    DISCONNECT = "disconnect"
    """`enqueue_or_send` raised QueueFull: the backlog was at cap; drop the peer."""
    SHUTDOWN = "shutdown"
    """The channel's receiver closed or went away (Closed): fatal shutdown."""
    CANCELLED = "cancelled"
    """The reader task was cancelled."""


class ConsumerEnd(enum.Enum):
    """Why the consumer loop ended."""

    END_OF_STREAM = "end-of-stream"
    """`recv()` returned None: the channel was empty and every sender had dropped, or the
    receiver had been closed (`ConsumerCommand.CLOSE`)."""
    STOPPED = "stopped"
    """It had received `stop_after` items, or was told to stop, and dropped the receiver."""
    CANCELLED = "cancelled"
    """The consumer task was cancelled."""


class ProducerEnd(enum.Enum):
    """Why a producer loop ended."""

    DONE = "done"
    """Every item was sent."""
    CLOSED = "closed"
    """A send failed with ChannelClosed; that item and the rest were refused."""
    CANCELLED = "cancelled"
    """The producer task was cancelled (the item it was waiting to send is refused)."""


@dataclass
class ReaderReport(Generic[T]):
    """What the reader did with every item it read from its source.

    - `accepted`: items `enqueue_or_send` took (sent straight or spilled), in order;
    - `refused`: the item QueueFull or Closed handed back (never accepted);
    - `lost`: accepted items a Closed `try_drain_one` discarded;
    - `left`: the backlog when the reader ended (lost with the queue unless the
      caller drains it);
    - `unhandled`: items it had read from the source but not yet handled when it
      ended (a read that completed beside the notification that ended it, or before
      it was cancelled): never accepted, never refused;
    - `free_slots_at_end`: the channel's free slots when it ended by DISCONNECT
      (above 0: it disconnected although the channel had room).
    """

    accepted: list[T] = field(default_factory=list)
    refused: list[T] = field(default_factory=list)
    lost: list[T] = field(default_factory=list)
    left: list[T] = field(default_factory=list)
    unhandled: list[T] = field(default_factory=list)
    end: ReaderEnd | None = None
    free_slots_at_end: int | None = None
    notifications: int = 0
    drained: int = 0

    @property
    def read(self) -> list[T]:
        """Every item taken from the source: accepted ones, the refused one, then the
        unhandled ones."""
        return self.accepted + self.refused + self.unhandled


@dataclass
class ConsumerReport(Generic[T]):
    """What the consumer received (`delivered`, in order), which of those its processing
    failed on (`failed`, in order; each is also in `delivered`), and what its receiver's
    drop discarded (`discarded`: items still buffered when it stopped)."""

    delivered: list[T] = field(default_factory=list)
    discarded: list[T] = field(default_factory=list)
    failed: list[T] = field(default_factory=list)
    end: ConsumerEnd | None = None
    pings: int = 0


@dataclass
class ProducerReport(Generic[T]):
    """What another producer `sent` (each accepted by the channel) and `refused` (the
    send that failed with ChannelClosed and every item after it)."""

    sent: list[T] = field(default_factory=list)
    refused: list[T] = field(default_factory=list)
    end: ProducerEnd | None = None
