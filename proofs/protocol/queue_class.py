"""Pointing the implementation checks at another queue class (`--queue-class MODULE:CLASS`).

Anyone with their own Python variant of the queue — a port, an optimisation, a
deliberately broken copy — can have `tidegate verify` hold it against the model
exactly as it holds `tidegate.impl.BackpressureQueue`. The class is constructed
as `QueueClass(cap)` and must offer the reference queue's methods:
`enqueue_or_send(tx, item)`, `try_drain_one(tx) -> bool`, `has_pending()`,
`len()` and `backlog()` (the items, oldest first), raising `tidegate.impl`'s
`QueueFull(item)` and `Closed(item)`. It sends into the reference channel.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any, cast

from tidegate import impl
from tidegate.proofs.core import TidegateError
from tidegate.proofs.protocol.subjects import ChannelFactory, ImplRunner

QueueFactory = Callable[[int], Any]
"""Makes a queue from its cap: a class such as `tidegate.impl.BackpressureQueue`."""

REQUIRED = ("enqueue_or_send", "try_drain_one", "has_pending", "__len__", "backlog")


class QueueClassError(TidegateError, ValueError):
    """Raised when a `MODULE:CLASS` value names no usable queue class; says which rule failed."""


def load_queue_class(spec: str) -> QueueFactory:
    """The class `spec` ("MODULE:CLASS") names, checked to be a usable queue class.

    MODULE is imported as `python -m` would, with the current directory searched
    first, so `tests.my_queues:Flipped` works from a checkout. Raises
    QueueClassError naming the value and the rule it breaks.
    """
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise QueueClassError(f"--queue-class must be MODULE:CLASS, got {spec!r}")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise QueueClassError(
            f"--queue-class {spec!r}: cannot import module {module_name!r} ({exc})"
        ) from None
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise QueueClassError(
                f"--queue-class {spec!r}: module {module_name!r} has no attribute {attr!r}"
            )
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise QueueClassError(
            f"--queue-class {spec!r}: {attr!r} is a {type(obj).__name__}, not a class"
        )
    missing = [name for name in REQUIRED if not callable(getattr(obj, name, None))]
    if missing:
        raise QueueClassError(
            f"--queue-class {spec!r}: {attr} lacks the queue method(s) {', '.join(missing)}"
        )
    try:
        obj(1)
    except Exception as exc:
        raise QueueClassError(
            f"--queue-class {spec!r}: {attr}(cap=1) raised {type(exc).__name__}: {exc}"
        ) from None
    return cast(QueueFactory, obj)


def describe(factory: QueueFactory | None) -> str:
    """`module:Class` of a queue class, or `tidegate.impl` for the reference one."""
    if factory is None or factory is impl.BackpressureQueue:
        return "tidegate.impl"
    return f"{getattr(factory, '__module__', '?')}:{getattr(factory, '__qualname__', factory)}"


class QueueRunner(ImplRunner):
    """`ImplRunner` with the queue made by `factory` (the reference queue when None), on
    the channel `channel_factory` makes (the reference channel when None)."""

    def __init__(
        self, factory: QueueFactory | None = None, channel_factory: ChannelFactory | None = None
    ) -> None:
        super().__init__(channel_factory)
        self.factory = factory

    def reset(self, capacity: int, cap: int) -> None:
        super().reset(capacity, cap)
        if self.factory is not None:
            self.queue = cast("impl.BackpressureQueue[int]", self.factory(cap))
