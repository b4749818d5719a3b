"""Schedules as short strings: which role stepped, in order, e.g. `W.R.W.R.C:2.E.R.KP1`.

A role repeated n times in a row is written `ROLE:n`. A replayable schedule is
prefixed by its scenario: `capacity=1,cap=1,wire=3/W.R.W.R.C.R`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tidegate.model.protocol import CANCEL, cancel_step
from tidegate.proofs.core import TidegateError
from tidegate.proofs.interleave.world import Scenario, ScenarioError

_TOKEN = re.compile(r"(W|R|C|P[1-9][0-9]*|E|S|X|K(?:R|C|P[1-9][0-9]*))(?::([1-9][0-9]*))?")


class ScheduleError(TidegateError, ValueError):
    """Raised when a schedule string has a token that is not ROLE or ROLE:COUNT."""


def format_schedule(roles: Sequence[str]) -> str:
    """The compact string of a sequence of roles ("" for the empty schedule)."""
    out: list[str] = []
    i = 0
    while i < len(roles):
        j = i
        while j < len(roles) and roles[j] == roles[i]:
            j += 1
        out.append(roles[i] if j - i == 1 else f"{roles[i]}:{j - i}")
        i = j
    return ".".join(out)


MAX_SCHEDULE_STEPS = 100_000
"""The longest schedule read: far longer than any run of a scenario's bounds."""


def parse_schedule(text: str) -> list[str]:
    """The roles of a schedule string; raises ScheduleError naming a bad token, or when
    the schedule is longer than `MAX_SCHEDULE_STEPS`."""
    roles: list[str] = []
    for token in filter(None, text.strip().split(".")):
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ScheduleError(
                f"schedule token {token[:40]!r} is not ROLE or ROLE:COUNT (roles: W, R, C, P1, "
                "P2, ..., and the fault steps E, S, X, KR, KC, KP1, ...)"
            )
        count = int(match[2]) if match[2] and len(match[2]) < 10 else 1 + MAX_SCHEDULE_STEPS
        if len(roles) + (count if match[2] else 1) > MAX_SCHEDULE_STEPS:
            raise ScheduleError(f"a schedule has at most {MAX_SCHEDULE_STEPS:,} steps")
        roles.extend([match[1]] * (count if match[2] else 1))
    return roles


def format_replay(scenario: Scenario, roles: Sequence[str]) -> str:
    """`scenario/schedule`, the string `tidegate interleave --replay` takes."""
    return f"{scenario}/{format_schedule(roles)}"


def parse_replay(text: str) -> tuple[Scenario, list[str]]:
    """Split and parse `scenario/schedule`; raises ScenarioError or ScheduleError."""
    scenario, sep, schedule = text.partition("/")
    if not sep:
        raise ScheduleError(
            f"replay string {text!r} must be SCENARIO/SCHEDULE, e.g. capacity=1,cap=1,wire=3/W.R.C"
        )
    parsed = Scenario.parse(scenario)
    roles = parse_schedule(schedule)
    producers = {f"P{i + 1}" for i in range(len(parsed.producers))}
    known = {"W", "R", "C", *producers, *(f for f in parsed.faults if f != CANCEL)}
    if CANCEL in parsed.faults:
        known |= {cancel_step(role) for role in ("R", "C", *producers)}
    for role in roles:
        if role not in known:
            raise ScheduleError(
                f"schedule names role {role} but scenario {parsed} has only {sorted(known)}"
            )
    return parsed, roles


__all__ = [
    "ScenarioError",
    "ScheduleError",
    "format_replay",
    "format_schedule",
    "parse_replay",
    "parse_schedule",
]
