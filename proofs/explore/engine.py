"""Which explorer runs: the packed one wherever the bounds fit its layout.

Both give the same answers (tests/test_fast_explore.py holds them equal); the packed
explorer (`fast`) is one to two orders of magnitude quicker and smaller, but packs a
state into at most `packed.MAX_BITS` bits, so very long runs of items (NQ + NO beyond
about 40) go to the reference explorer (`search`). The packed explorer has no tasks
(v2): bounds with tasks go to the reference explorer, and `auto` says so.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from tidegate.proofs.core import Budget
from tidegate.proofs.explore.fast import explore_fast
from tidegate.proofs.explore.packed import Layout, LayoutError
from tidegate.proofs.explore.search import Bounds, Exploration, explore


class Engine(enum.Enum):
    """Which explorer to use."""

    AUTO = "auto"
    """Packed where the bounds fit, else reference."""
    PACKED = "packed"
    REFERENCE = "reference"


NO_TASKS_NOTE = "auto: the reference explorer, as the packed one does not explore tasks"
"""What `auto` says when task bounds send it to the reference explorer."""


def packed_fits(bounds: Bounds) -> bool:
    """True when the packed explorer can hold a state within `bounds` (never with tasks)."""
    if bounds.has_tasks:
        return False
    layout = Layout(bounds.capacity, bounds.cap, bounds.queue_items, bounds.other_items)
    try:
        layout.check()
    except ValueError:
        return False
    return True


def explore_bounds(
    bounds: Bounds,
    *,
    engine: Engine = Engine.AUTO,
    max_seconds: float | None = None,
    max_memory: int | None = None,
    tick: Callable[[int], None] | None = None,
    budget: Budget | None = None,
) -> Exploration:
    """Explore `bounds` with `engine` (see `search.explore` and `fast.explore_fast`), within
    `max_seconds`, `max_memory` and `budget` (each None for no limit).

    Raises `packed.LayoutError` when `engine` is PACKED and the bounds have tasks (the
    packed explorer has none) or do not fit its layout.
    """
    if engine is Engine.PACKED and bounds.has_tasks:
        raise LayoutError(
            f"--engine packed: {bounds} has task bounds, and the packed explorer does not "
            "explore tasks; use --engine reference (or auto)"
        )
    if engine is Engine.REFERENCE or (engine is Engine.AUTO and not packed_fits(bounds)):
        result = explore(
            bounds, max_seconds=max_seconds, max_memory=max_memory, tick=tick, budget=budget
        )
        if engine is Engine.AUTO and bounds.has_tasks:
            result.engine_note = NO_TASKS_NOTE
        return result
    return explore_fast(
        bounds, max_seconds=max_seconds, max_memory=max_memory, tick=tick, budget=budget
    )
