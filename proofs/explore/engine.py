"""Which explorer runs: a packed one wherever the bounds fit its layout.

All give the same answers (tests/test_fast_explore.py and tests/test_interned_explore.py
hold them equal to the reference). Without tasks the packed explorer (`fast`) is one to
two orders of magnitude quicker and smaller, but packs a state into at most
`packed.MAX_BITS` bits, so very long runs of items (NQ + NO beyond about 40) go to the
reference explorer (`search`). With tasks (v2) the packed engine is `interned`: the
counters and an interned subject's id in one integer, each (subject, action) pair
stepped by the model once, a level searched on arrays; it is only up to about twice as
quick as the reference, and about as large (the model's step and the catalogue, and the
model's subjects, per pair and per subject, are most of the cost in both).
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from tidegate.proofs.core import Budget
from tidegate.proofs.explore.fast import explore_fast
from tidegate.proofs.explore.interned import explore_interned, interned_fits
from tidegate.proofs.explore.packed import Layout
from tidegate.proofs.explore.search import Bounds, Exploration, explore


class Engine(enum.Enum):
    """Which explorer to use."""

    AUTO = "auto"
    """Packed where the bounds fit, else reference."""
    PACKED = "packed"
    REFERENCE = "reference"


TASKS_NOTE = "the interned explorer (packed counters, interned subjects): the bounds have tasks"
"""What `auto` and `packed` say when task bounds send them to `interned`."""


def packed_fits(bounds: Bounds) -> bool:
    """True when a packed explorer can hold a state within `bounds`: with tasks, the
    interned one (its counters leave enough bits for subject ids); without, `fast`."""
    if bounds.has_tasks:
        return interned_fits(bounds)
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

    Raises `packed.LayoutError` when `engine` is PACKED and the bounds do not fit its
    layout.
    """
    if engine is Engine.REFERENCE or (engine is Engine.AUTO and not packed_fits(bounds)):
        return explore(
            bounds, max_seconds=max_seconds, max_memory=max_memory, tick=tick, budget=budget
        )
    if bounds.has_tasks:
        result = explore_interned(
            bounds, max_seconds=max_seconds, max_memory=max_memory, tick=tick, budget=budget
        )
        result.engine_note = TASKS_NOTE
        return result
    return explore_fast(
        bounds, max_seconds=max_seconds, max_memory=max_memory, tick=tick, budget=budget
    )
