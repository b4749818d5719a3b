"""The exploration held against a plain second search, and every transition against the seed.

`plain_search` is a deliberately naive breadth-first search over the same canonical
state space (whole model subjects as keys, no interning, no memo), written apart from
`tidegate.proofs.explore.search`: the two must count alike. Every transition it finds at small
bounds, as the shortest path to its state plus the action, is then replayed on the seed
oracle (the seed's Rust code on real tokio): the model's answers must be the seed's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tidegate import model
from tidegate.model import Op, OpName, ReceiverState
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.runner import run_case
from tidegate.proofs.explore.search import Bounds, explore
from tidegate.proofs.protocol.adapter import Adapter

State = tuple[model.Subject, int, int]


def actions(state: State, bounds: Bounds) -> Iterator[tuple[Op, State]]:
    s, queued, others = state
    if queued < bounds.queue_items:
        op = Op(OpName.ENQUEUE_OR_SEND, queued + 1)
        yield op, (model.apply(s, op).state, queued + 1, others)
    yield Op(OpName.TRY_DRAIN_ONE), (model.try_drain_one(s).state, queued, others)
    if others < bounds.other_items:
        op = Op(OpName.TRY_SEND, 1001 + others)
        yield op, (model.apply(s, op).state, queued, others + 1)
    receiver = s.channel.receiver
    names = []
    if receiver is not ReceiverState.DROPPED:
        names += [OpName.TRY_RECV, OpName.DROP_RECEIVER]
    if receiver is ReceiverState.OPEN:
        names.append(OpName.CLOSE)
    for name in names:
        yield Op(name), (model.apply(s, Op(name)).state, queued, others)


def plain_search(bounds: Bounds) -> tuple[dict[State, tuple[Op, ...]], list[tuple[Op, ...]]]:
    """Every reachable state with a shortest path to it, and every transition's path."""
    start: State = (model.new(bounds.capacity, bounds.cap), 0, 0)
    paths: dict[State, tuple[Op, ...]] = {start: ()}
    transitions: list[tuple[Op, ...]] = []
    frontier = [start]
    while frontier:
        following = []
        for state in frontier:
            for op, after in actions(state, bounds):
                transitions.append((*paths[state], op))
                if after not in paths:
                    paths[after] = (*paths[state], op)
                    following.append(after)
        frontier = following
    return paths, transitions


@pytest.mark.parametrize(
    "bounds",
    [Bounds(1, 1, 3, 2), Bounds(2, 2, 4, 3), Bounds(2, 0, 4, 2), Bounds(3, 4, 6, 2)],
    ids=str,
)
def test_plain_search_counts_alike(bounds: Bounds) -> None:
    paths, transitions = plain_search(bounds)
    result = explore(bounds)
    assert (result.states, result.transitions) == (len(paths), len(transitions))
    assert result.depth == max(len(p) for p in paths.values())


@pytest.mark.oracle
@pytest.mark.parametrize(
    "bounds",
    [Bounds(1, 1, 3, 2), Bounds(1, 2, 4, 1), Bounds(2, 0, 4, 2), Bounds(2, 2, 4, 3)],
    ids=str,
)
def test_every_transition_is_the_seeds(bounds: Bounds, oracle_path: Path) -> None:
    _, transitions = plain_search(bounds)
    with Adapter(str(oracle_path)) as oracle:
        for ops in transitions:
            case = Case(bounds.capacity, bounds.cap, ops)
            mismatch = run_case(oracle, case)
            assert mismatch is None, case.to_trace("explore-vs-seed").to_json()


@pytest.mark.oracle
def test_findings_are_the_seeds_behaviour(oracle_path: Path) -> None:
    result = explore(Bounds(2, 2, 4, 3))
    refuted = [o.counterexample for o in result.outcomes if o.counterexample is not None]
    assert len(refuted) == 3
    with Adapter(str(oracle_path)) as oracle:
        for trace in refuted:
            case = Case(trace.capacity, trace.cap, tuple(s.op for s in trace.steps))
            assert run_case(oracle, case, [s.result for s in trace.steps]) is None


@pytest.mark.oracle
def test_the_oracle_comparison_can_fail(oracle_path: Path) -> None:
    # The same comparison, with the seed's QueueFull claimed to be ok, must report it.
    result = explore(Bounds(1, 1, 3, 2))
    (trace,) = [
        o.counterexample for o in result.outcomes if o.prop.name == "queue_full_means_no_room"
    ]
    assert trace is not None
    wrong = [s.result for s in trace.steps[:-1]] + [model.OK]
    with Adapter(str(oracle_path)) as oracle:
        case = Case(trace.capacity, trace.cap, tuple(s.op for s in trace.steps))
        mismatch = run_case(oracle, case, wrong)
    assert mismatch is not None and mismatch.step == len(trace.steps) - 1
