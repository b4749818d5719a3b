"""Transition coverage of the protocol model: the catalogue of its kinds of step, what the
quick profile reaches of it, and a search that skips schedules caught by its coverage."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from rich.console import Console

from tidegate.proofs.core import CheckContext, Profile, Verdict
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.interleave.coverage import (
    CATALOGUE_SCENARIOS,
    STEP_KINDS,
    Coverage,
    describe_step,
    reachable_step_kinds,
)
from tidegate.proofs.interleave.run import Run
from tidegate.proofs.interleave.world import Scenario
from tidegate.proofs.profiles import PROFILES


def test_the_catalogue_is_every_kind_of_step_the_model_takes() -> None:
    found = reachable_step_kinds(Scenario.parse(s) for s in CATALOGUE_SCENARIOS)
    assert found == STEP_KINDS, (
        sorted(map(describe_step, found - STEP_KINDS)),
        sorted(map(describe_step, STEP_KINDS - found)),
    )


def test_quick_reaches_the_corners_and_almost_every_kind_of_step() -> None:
    scenarios = PROFILES[Profile.QUICK].interleave.scenarios
    assert any(s.capacity >= 2 for s in scenarios)  # two slots
    assert any(s.producers for s in scenarios)  # a competing producer
    faults = {f for s in scenarios for f in s.faults}
    assert {"E", "S", "X", "K"} <= faults  # faults, a close, a cancel
    reachable = reachable_step_kinds(scenarios)
    # Only a second parked producer's slot hand-over and a close while a slot is held for
    # a parked send are left to default's bounds (each costs thousands of schedules more).
    assert sorted(map(describe_step, STEP_KINDS - reachable)) == [
        "P: is cancelled: its slot passes to the next parked send",
        "X: parked",
    ]


def test_coverage_reads_covered_of_reachable_and_names_what_was_missed() -> None:
    a, b, c = sorted(STEP_KINDS)[:3]
    coverage = Coverage(frozenset({a}), frozenset({a, b}))
    assert str(coverage) == f"1/2 protocol transitions ({len(STEP_KINDS)} in the model)"
    assert coverage.missed == {b} and c not in coverage.missed


def test_a_search_that_skips_schedules_fails_on_its_coverage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = Scenario.parse("capacity=2,cap=1,wire=2,faults=E+S+X+K")
    quick = PROFILES[Profile.QUICK]
    small = replace(quick.interleave, scenarios=(one,), seed_findings=())
    monkeypatch.setitem(PROFILES, Profile.QUICK, replace(quick, interleave=small))
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    whole = check_interleave(ctx)
    assert whole.verdict is Verdict.PASS and whole.coverage is not None
    covered, _, reachable = whole.coverage.partition(" ")[0].partition("/")
    assert covered == reachable
    # A broken state key: every state at the same depth looks alike, so the search prunes
    # schedules it never ran.
    monkeypatch.setattr(Run, "key", lambda self: len(self.schedule))
    skipping = check_interleave(ctx)
    assert skipping.verdict is Verdict.FAIL
    assert "the explorer skipped schedules" in skipping.details[-1]
