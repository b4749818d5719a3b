"""How a conformance run is sized: `Settings`, whose defaults are `tidegate conform`'s.

Kept apart from the machinery so that the pytest plugin, loaded in every pytest run of
everyone who installs tidegate, reads the defaults without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tidegate.proofs.protocol.traces import Trace


@dataclass(frozen=True)
class Settings:
    """How a conformance run is sized; the defaults are `tidegate conform`'s."""

    seed: int = 0
    max_examples: int = 200
    """Random runs after the coverage cases (the first `len(ANCHORS)` are the anchors)."""
    max_steps: int = 500
    """Longest random run, in steps (runs are 100 to max_steps long)."""
    time_budget: float | None = 60.0
    """Seconds for the search (None: no limit); when it ends early the outcome is
    inconclusive unless the goal was already met."""
    op_timeout: float = 5.0
    """Seconds the adapter may take to answer one request."""
    recordings: bool = True
    coverage: bool = True
    """Run the coverage-guided cases (the coverage goal needs them)."""
    deep: bool = True
    """Run the deep runs (and count them in the goal)."""
    traces: tuple[Trace, ...] = ()
    check_protocol: bool = False
    shrink_budget: int = 5000
    """Most candidates a shrink runs."""
    shrink_seconds: float = 20.0
    """Shrinking goes on until the time budget ends, but for at least this long."""
    tasks: bool = True
    """Check the asynchronous half (v2 tasks) when the adapter speaks it."""
    task_examples: int = 200
    """Random runs mixing tasks with v1 operations (v2 adapters only), taken in turn with
    the random runs after the anchors."""
    require_v2: bool = False
    """An adapter that answers every task operation Unsupported is INCONCLUSIVE (its port
    is checked on v1 only), rather than CONFORMS (v1 only)."""
