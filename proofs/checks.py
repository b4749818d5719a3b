"""What a verification check is, what it reports, and the profiles that size it."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console


class Verdict(enum.Enum):
    """A check's conclusion. Only PASS counts as a pass."""

    PASS = "pass"
    FAIL = "FAIL"
    INCONCLUSIVE = "inconclusive"
    """A budget ran out before the check's bounds were covered."""


class Profile(enum.Enum):
    """How hard `tidegate verify` works: quick (< 20 s), default (< 2 min), thorough."""

    QUICK = "quick"
    DEFAULT = "default"
    THOROUGH = "thorough"


@dataclass
class CheckResult:
    """One check's outcome: how much it covered, how long it took, and what it found.

    `details` explain a FAIL or INCONCLUSIVE (counterexamples, traces); `findings`
    are statements about the design, reported whatever the verdict.
    """

    name: str
    verdict: Verdict
    cases: int
    unit: str
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckContext:
    """What every check is given: the profile, the seed, and where to print progress."""

    profile: Profile
    seed: int
    console: Console


Check = Callable[[CheckContext], CheckResult]
