"""Every exception tidegate.impl raises, each with the item it could not deliver.

As tokio's errors do, a failed send hands the item back (`.item`), so a caller
always knows what was not delivered.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class ParameterError(ValueError):
    """Raised when a constructor argument has the right type but breaks its rule."""


class ParameterTypeError(TypeError):
    """Raised when a constructor argument is not a plain int (bools and floats are refused)."""


class HandleDroppedError(RuntimeError):
    """Raised when a Sender or Receiver is used after its explicit `drop()`, or a Permit
    after it was sent or released."""


class TrySendError(Exception, Generic[T]):
    """Base of the errors of a send; `item` is the value that was not sent."""

    def __init__(self, item: T) -> None:
        super().__init__(item)
        self.item = item


class ChannelFull(TrySendError[T]):
    """Raised by `Sender.try_send` when every slot is taken and the receiver is open."""


class ChannelClosed(TrySendError[T]):
    """Raised by a send when the receiver closed or dropped (checked before fullness)."""


class SendTimeout(TrySendError[T]):
    """Raised by `Sender.send_timeout` when no slot came in time; the item was not sent."""


class TryRecvError(Exception):
    """Base of the errors of `Receiver.try_recv`."""


class ChannelEmpty(TryRecvError):
    """Raised by `Receiver.try_recv` when nothing is buffered but a sender may still send.

    Under tokio 1.24.2's rule this includes a closed receiver with live senders.
    """


class ChannelDisconnected(TryRecvError):
    """Raised by `Receiver.try_recv` when nothing is buffered and nothing more can arrive:
    every sender was dropped, or the receiver itself was dropped."""


class BackpressureError(Exception, Generic[T]):
    """Base of the queue's errors; `item` is the item this call failed to deliver."""

    def __init__(self, item: T) -> None:
        super().__init__(item)
        self.item = item


class QueueFull(BackpressureError[T]):
    """Raised by `enqueue_or_send` when the backlog is at cap and the item could not go out.

    `item` is the refused item: it was not accepted. The caller should disconnect
    the peer.
    """


class Closed(BackpressureError[T]):
    """Raised when the channel's receiver closed or dropped.

    From `enqueue_or_send`, `item` is the refused item (never accepted). From
    `try_drain_one`, `item` is the backlog's front item, which was accepted
    earlier and is now discarded. The caller should treat it as shutdown.
    """


def require_int(name: str, value: object, minimum: int) -> int:
    """Return `value` when it is a plain int >= `minimum`; raise a Parameter error naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterTypeError(
            f"{name} must be an int, got {value!r} of type {type(value).__name__}"
        )
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum}, got {value}")
    return value
