"""The interned explorer (task bounds): its step is the model's, its answers the reference's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.proofs.test_explore_tasks import TASK_COUNTS, State, counted, plain_actions
from tidegate import model
from tidegate.proofs.cli import main
from tidegate.proofs.core import Profile
from tidegate.proofs.explore import interned
from tidegate.proofs.explore.engine import TASKS_NOTE, Engine, explore_bounds
from tidegate.proofs.explore.interned import InternedSearch, explore_interned
from tidegate.proofs.explore.search import Bounds, explore
from tidegate.proofs.profiles import PROFILES

# Every task bound set of tests/proofs/test_explore_tasks.py and of verify's quick profile.
QUICK_TASKS = [b for b in PROFILES[Profile.QUICK].explore.bounds if b.has_tasks]
SUITE = (
    [b for b, _ in TASK_COUNTS]
    + QUICK_TASKS
    + [
        Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=1),
        Bounds(2, 2, 3, 2),
    ]
)


def _without_timings(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = result.to_json()
    for key in ("seconds", "states_per_second", "engine", "engine_note", "peak_rss_bytes"):
        del data[key]
    return data


@pytest.mark.parametrize("bounds", SUITE, ids=str)
def test_same_answers_as_the_reference_explorer(bounds: Bounds) -> None:
    # Counts, depth, every entry's verdict and counterexample trace, every witness.
    reference = explore(bounds)
    fast = explore_interned(bounds)
    assert fast.complete and fast.stopped is None
    assert (fast.engine, reference.engine) == ("packed", "reference")
    assert _without_timings(fast) == _without_timings(reference)


def _state(search: InternedSearch, key: int) -> State:
    """The model state and counters a packed key stands for."""
    sid = key & ((1 << search.sid_bits) - 1)
    counters = [int(c[0]) for c in search.counters(np.array([key], dtype=np.uint64))]
    return (search.subjects[sid], *counters)  # type: ignore[return-value]


def _add(counters: tuple[int, ...], more: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(a + b for a, b in zip(counters, more, strict=True))


@pytest.mark.parametrize(
    "bounds",
    [
        Bounds(2, 1, 2, 1, sends=2, recvs=1),
        Bounds(1, 0, 1, 0, sends=1, recvs=1, waiters=2),
        Bounds(2, 0, 1, 0, sends=3, recvs=2),
    ],
    ids=str,
)
def test_step_is_the_models_on_every_explored_state(bounds: Bounds) -> None:
    # Every state the interned search reaches, expanded by the search (the moves it
    # enables, in its order, the operation each is, the state each leads to), equals
    # the same state expanded by PROTOCOL.md's rules and the model's `apply`.
    search = InternedSearch(bounds)
    frontier = np.array([search.initial()], dtype=np.uint64)
    seen = set(frontier.tolist())
    while frontier.size:
        cols, on, after = search.expand(frontier)
        following = []
        for i, key in enumerate(frontier.tolist()):
            state = _state(search, key)
            ours = [
                (search.ref.op_of(int(c)), _state(search, int(a)))
                for c, a, o in zip(cols[i], after[i], on[i], strict=True)
                if o
            ]
            theirs = [
                (
                    op,
                    (
                        model.apply(state[0], op).state,
                        *map(sum, zip(state[1:], counted(op), strict=True)),
                    ),
                )
                for op in plain_actions(state, bounds)
            ]
            assert ours == theirs, state
            for a in after[i][on[i]].tolist():
                if a not in seen:
                    seen.add(a)
                    following.append(a)
        frontier = np.array(following, dtype=np.uint64)
    assert len(seen) == explore(bounds).states


def test_auto_and_packed_run_the_interned_explorer_for_tasks() -> None:
    b = Bounds(1, 0, 0, 0, recvs=1)
    for engine in (Engine.AUTO, Engine.PACKED):
        r = explore_bounds(b, engine=engine)
        assert (r.engine, r.engine_note, r.states) == ("packed", TASKS_NOTE, 11)
    r = explore_bounds(b, engine=Engine.REFERENCE)
    assert (r.engine, r.engine_note, r.states) == ("reference", None, 11)


def test_counters_too_wide_for_ids_go_to_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    # 40 bits of other items leave 64 - 40 - 4 < 24 bits for subject ids.
    b = Bounds(1, 0, 0, 2**40, recvs=1)
    assert not interned.interned_fits(b) and interned.interned_fits(Bounds(1, 0, 0, 2**30))
    args = ["explore", "--capacity", "1", "--cap", "0", "--queue-items", "0", "--other-items"]
    assert main([*args, str(2**40), "--recvs", "1", "--engine", "packed"]) == 2
    assert "leaves fewer than 24 for subject ids" in capsys.readouterr().err
    r = explore_bounds(b, engine=Engine.AUTO, max_seconds=0.5)
    assert r.engine == "reference"


def test_chunks_find_what_one_finds_and_budgets_stop_at_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    b = Bounds(1, 1, 1, 1, sends=1, recvs=1, waiters=1)
    whole = explore_interned(b)
    monkeypatch.setattr(interned, "LEVEL_CHUNK", 2)
    assert _without_timings(explore_interned(b)) == _without_timings(whole)
    r = explore_interned(b, max_seconds=0.0)
    assert not r.complete and r.stopped == (
        "time budget of 0 s ran out (at depth 0, 1 states found)"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "bounds",
    [b for b in PROFILES[Profile.THOROUGH].explore.bounds if b.has_tasks and b not in SUITE],
    ids=str,
)
def test_same_answers_at_every_profiles_task_bounds(bounds: Bounds) -> None:
    # verify's own task bounds, up to 321,660 states: about a minute for all of them.
    reference = explore(bounds)
    assert _without_timings(explore_interned(bounds)) == _without_timings(reference)
