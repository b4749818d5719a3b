"""What every capability of proofs/ shares: verdicts, exit codes, profiles, checks, errors.

A check (`Check`) is a function from a `CheckContext` to a `CheckResult` whose
`Verdict` says whether it holds. `tidegate verify` runs the checks and times
each one; `tidegate.proofs.cli` turns a command's verdict into its `ExitCode`,
and every `TidegateError` (a usage or input error) into exit code 2.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console


class TidegateError(Exception):
    """The root of every usage or input error of proofs/: a bad command line, a bad input
    file, an adapter that broke the protocol. Its message names the value and the rule."""


class Verdict(enum.Enum):
    """A check's conclusion. Only PASS counts as a pass."""

    PASS = "pass"
    FAIL = "FAIL"
    INCONCLUSIVE = "inconclusive"
    """A budget ran out before the check's bounds were covered."""


class ExitCode(enum.IntEnum):
    """The exit codes of every tidegate command, the same for all so CI can rely on them."""

    OK = 0
    """Every check held."""
    FAILED = 1
    """A check failed or a subject diverged."""
    USAGE = 2
    """Bad command line, bad input file, or an adapter that broke the protocol."""
    INCONCLUSIVE = 3
    """A budget ran out before the bounds were covered: not a pass."""


class Profile(enum.Enum):
    """How hard `tidegate verify` works: quick (< 20 s), default (< 2 min), thorough."""

    QUICK = "quick"
    DEFAULT = "default"
    THOROUGH = "thorough"


@dataclass
class CheckResult:
    """One check's outcome: how much it covered, how long it took, and what it found.

    `seconds` is set by whoever runs the check (`tidegate verify` times each one);
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
