"""The exit codes of every tidegate command, the same for all so CI can rely on them."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a tidegate run concluded."""

    OK = 0
    """Every check held."""
    FAILED = 1
    """A check failed or a subject diverged."""
    USAGE = 2
    """Bad command line, bad input file, or an adapter that broke the protocol."""
    INCONCLUSIVE = 3
    """A budget ran out before the bounds were covered: not a pass."""
