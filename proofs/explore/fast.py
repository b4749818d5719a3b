"""Breadth-first exploration over packed states, a level at a time on numpy arrays.

The same search as `tidegate.proofs.explore.search.explore`, with the same answers — states,
transitions, depth, every catalogue property checked in every state and transition,
the same shortest counterexamples and witnesses, trace for trace — at a fraction of the
cost per state:

- a state is one 64-bit integer (`tidegate.proofs.explore.packed`); an action is computed for
  a whole frontier at once, and so is every property;
- the visited set is a sorted array per pair of counters (queued, others): a
  successor has its source's counters or one more, so each chunk of successors,
  sorted and reduced to first occurrences, is looked up and merged into a few small
  arrays rather than one that grows to every state;
- a state costs 13 bytes: its key in the visited set (8), the index of its parent in
  the previous level (4) and the action (1); counterexamples and witnesses are rebuilt
  from them after the search, by replaying the actions on the model;
- each chunk is split between `workers` threads (numpy lets go of the GIL on large
  arrays), joined in order so that the first of anything is the same as with one.

Ties between shortest paths resolve as in the reference explorer: a level's states are
kept in the order the reference would first reach them (parent's order, then the
action order of `packed.Action`), which makes every path rebuilt the shortest path
first in that order (the shortlex-least one).

Budgets: `max_seconds` and `max_memory` (bytes of resident memory) are checked before
each chunk of at most `CHUNK` states; a run that would exceed either stops there with
`complete` False and `stopped` saying which budget ran out.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from tidegate.proofs.core import Budget
from tidegate.proofs.explore.memory import peak_rss, rss
from tidegate.proofs.explore.packed import (
    ACTIONS,
    ANSWERS,
    U64,
    Action,
    Code,
    Layout,
    Mask,
    fields,
    initial,
    layout_for,
    op_of,
    successors,
    tables,
)
from tidegate.proofs.explore.packed_properties import STATE, STEP
from tidegate.proofs.explore.properties import CATALOGUE, OFF_CONTRACT, WITNESSES, Witness
from tidegate.proofs.explore.search import Bounds, Exploration, ExploreOutcome, Reach, trace_of
from tidegate.proofs.protocol.traces import Trace

CHUNK = 1 << 19
"""States of a frontier expanded together, at most: bounds the temporaries (a few hundred
bytes a state) and how long a budget can be overrun."""

SPLIT = 8192
"""Chunks this large or larger are split between the workers; smaller ones are not
worth a thread's hand-off."""

_WIDTH = len(ACTIONS)


def explore_fast(
    bounds: Bounds,
    *,
    max_seconds: float | None = None,
    max_memory: int | None = None,
    tick: Callable[[int], None] | None = None,
    workers: int | None = None,
    budget: Budget | None = None,
) -> Exploration:
    """Explore every state reachable within `bounds`, checking the whole catalogue.

    Stops early, with `complete` False and `stopped` set, once `max_seconds` have
    passed, when the next chunk would take the process's resident memory past
    `max_memory` bytes, or once `budget` runs out (Ctrl-C included). `tick` is called
    with the number of states found after each chunk. `workers` threads share each
    chunk (default: the available cores, at most 2).
    Raises `packed.LayoutError` when the bounds need more than 52 bits a state.
    """
    if workers is None:
        workers = min(2, len(os.sched_getaffinity(0)))
    return _Search(bounds, max_seconds, max_memory, tick, workers, budget).run()


@dataclass
class _First:
    """Where something first happened: level, index in that level, action (or None)."""

    level: int
    index: int
    action: Action | None


@dataclass
class _Part:
    """What checking and expanding one run of a frontier's states found.

    Indices are relative to the run: `positions` (state * actions + action) and
    `values` list the successors that may be new, in discovery order; `firsts` packs
    each distinct one's key above the index of its first occurrence in `values`,
    sorted. The check results give each newly failed property, reached witness and
    the first dropped state as (state index, action).
    """

    transitions: int
    firsts: U64
    failed: dict[str, tuple[int, Action | None]]
    reached: dict[str, tuple[int, Action]]
    dropped: int | None


class _Search:
    def __init__(
        self,
        bounds: Bounds,
        max_seconds: float | None,
        max_memory: int | None,
        tick: Callable[[int], None] | None,
        workers: int,
        budget: Budget | None = None,
    ) -> None:
        self.bounds = bounds
        self.layout: Layout = layout_for(
            bounds.capacity, bounds.cap, bounds.queue_items, bounds.other_items
        )
        self.tables = tables(self.layout)
        # Small enough that a candidate's index fits beside its key in one word.
        self.chunk = min(CHUNK, (1 << (64 - self.layout.bits)) // _WIDTH)
        self.index_bits = (self.chunk * _WIDTH - 1).bit_length()
        self.max_seconds = max_seconds
        self.max_memory = max_memory
        self.tick = tick
        self.workers = workers
        self.budget = budget
        self.parents: list[npt.NDArray[np.uint32]] = [np.zeros(1, dtype=np.uint32)]
        self.actions: list[npt.NDArray[np.uint8]] = [np.zeros(1, dtype=np.uint8)]
        self.failed: dict[str, _First] = {}
        self.reached: dict[str, _First] = {}
        self.off_contract: _First | None = None
        self.witness_codes = [_codes(w) for w in WITNESSES]

    def run(self) -> Exploration:
        with ThreadPoolExecutor(self.workers) as pool:
            return self._run(pool)

    def _run(self, pool: ThreadPoolExecutor) -> Exploration:
        start = time.perf_counter()
        deadline = None if self.max_seconds is None else start + self.max_seconds
        result = Exploration(self.bounds, engine="packed")
        frontier: U64 = np.array([initial(self.layout)], dtype=np.uint64)
        visited = _Visited(self.layout.queued_shift)
        visited.add(frontier)
        level = 0
        stopped: str | None = None
        while frontier.size and stopped is None:
            parents: list[npt.NDArray[np.uint32]] = []
            actions: list[npt.NDArray[np.uint8]] = []
            found: list[U64] = []
            for lo in range(0, len(frontier), self.chunk):
                stopped = self._budget(deadline, len(visited), min(self.chunk, len(frontier) - lo))
                if stopped is not None:
                    stopped += f" (at depth {level}, {len(visited):,} states found)"
                    break
                chunk = frontier[lo : lo + self.chunk]
                try:
                    new, parent, action, moves = self._expand(pool, level, lo, chunk, visited)
                except KeyboardInterrupt:
                    # This chunk is dropped whole: what was found before it stands.
                    if self.budget is not None:
                        self.budget.interrupt()
                    stopped = f"interrupted (at depth {level}, {len(visited):,} states found)"
                    break
                result.transitions += moves
                found.append(new)
                parents.append(parent + np.uint32(lo))
                actions.append(action)
                if self.tick is not None:
                    self.tick(len(visited))
            frontier = np.concatenate(found) if found else np.zeros(0, dtype=np.uint64)
            if frontier.size:
                self.parents.append(np.concatenate(parents))
                self.actions.append(np.concatenate(actions))
                level += 1
                if stopped is not None:
                    # The next level's states were found but never expanded or checked.
                    break
        result.states = len(visited)
        result.depth = level
        result.complete = stopped is None
        result.stopped = stopped
        result.outcomes = [
            ExploreOutcome(p, self._trace_for(self.failed.get(p.name), p.name)) for p in CATALOGUE
        ]
        result.reaches = [
            Reach(w, self._trace_for(self.reached.get(w.name), w.name)) for w in WITNESSES
        ]
        result.reaches.append(
            Reach(
                OFF_CONTRACT, self._trace_for(self.off_contract, "off-contract"), off_contract=True
            )
        )
        result.seconds = time.perf_counter() - start
        result.peak_rss = peak_rss()
        return result

    def _budget(self, deadline: float | None, known: int, chunk: int) -> str | None:
        if deadline is not None and time.perf_counter() > deadline:
            return f"time budget of {self.max_seconds:g} s ran out"
        if self.max_memory is not None:
            # Generous bounds, measured at about twice what a run takes: the chunk's
            # temporaries (candidates, their sort, the fields and moves of its states), and
            # for the states known, a bucket copied by a merge and the next level joined.
            need = rss() + chunk * (_WIDTH * 48 + 300) + known * 8 * 2
            if need > self.max_memory:
                return (
                    f"memory budget of {self.max_memory:,} bytes would be exceeded "
                    f"(about {need:,} bytes needed for the next {chunk:,} states)"
                )
        return None if self.budget is None else self.budget.exhausted()

    def _expand(
        self, pool: ThreadPoolExecutor, level: int, offset: int, keys: U64, visited: _Visited
    ) -> tuple[U64, npt.NDArray[np.uint32], npt.NDArray[np.uint8], int]:
        """Check and expand `keys` (states `offset`.. of `level`); merge new states into
        `visited`. Returns the new states in discovery order, their
        parents (indices into `keys`) and actions, and the transitions counted.

        The states are split into one run per worker, checked and expanded in parallel
        (numpy lets go of the GIL on large arrays); the runs' results are then joined in
        order, so the first of anything is the same as with one worker.
        """
        runs = self.workers if len(keys) >= SPLIT else 1
        bounds = [len(keys) * i // runs for i in range(runs + 1)]
        slices = [keys[a:b] for a, b in itertools.pairwise(bounds)]
        parts = list(pool.map(self._part, slices)) if runs > 1 else [self._part(slices[0])]
        moves = 0
        firsts = []
        for start, part in zip(bounds, parts, strict=False):
            moves += part.transitions
            self._record(level, offset + start, part)
            firsts.append(part.firsts + np.uint64(start * _WIDTH))
        packed = np.concatenate(firsts)
        if runs > 1:
            # Each run is sorted, so a stable sort (timsort) merges them in linear time;
            # the position packed below the key puts the earlier occurrence first.
            packed.sort(kind="stable")
            packed = packed[_heads(packed >> np.uint64(self.index_bits))]
        unique = packed >> np.uint64(self.index_bits)
        first = (packed & np.uint64((1 << self.index_bits) - 1)).astype(np.intp)
        new = visited.add(unique)
        first, unique = first[new], unique[new]
        # Back to the order of discovery: by position.
        slots = len(keys) * _WIDTH
        picked = np.zeros(slots, dtype=np.bool_)
        picked[first] = True
        at = np.empty(slots, dtype=np.uint64)
        at[first] = unique
        where = np.flatnonzero(picked)
        parent = (where // _WIDTH).astype(np.uint32)
        action_taken = (where % _WIDTH).astype(np.uint8)
        return at[where], parent, action_taken, moves

    def _part(self, keys: U64) -> _Part:
        """Check and expand one run of states; reads `self` but changes nothing."""
        f = fields(self.layout, self.tables, keys)
        failed: dict[str, tuple[int, Action | None]] = {}
        reached: dict[str, tuple[int, Action]] = {}
        for name, state_predicate in STATE.items():
            if name not in self.failed:
                bad = state_predicate(self.layout, f)
                if bad.any():
                    failed[name] = (int(bad.argmax()), None)
        dropped = None
        if self.off_contract is None:
            is_dropped = f.receiver == 2
            if is_dropped.any():
                dropped = int(is_dropped.argmax())
        moves = 0
        found: list[U64] = []
        bits = np.uint64(self.index_bits)
        for action in ACTIONS:
            m = successors(self.layout, f, action)
            moves += int(np.count_nonzero(m.enabled))
            for name, step_predicate in STEP.items():
                if name not in self.failed:
                    bad = step_predicate(self.layout, f, m) & m.enabled
                    if bad.any():
                        _keep_first(failed, name, (int(bad.argmax()), action))
            for witness, (about, codes) in zip(WITNESSES, self.witness_codes, strict=True):
                if about is action and witness.name not in self.reached:
                    hit = np.isin(m.answer, codes) & m.enabled
                    if hit.any():
                        _keep_first(reached, witness.name, (int(hit.argmax()), action))
            where = np.flatnonzero(m.enabled & (m.after != keys)).astype(np.uint64)
            # Each successor's key above its position (state * actions + action): the
            # order in which the reference explorer would meet it.
            found.append((m.after[where] << bits) | (where * np.uint64(_WIDTH) + np.uint64(action)))
        packed = np.concatenate(found)
        packed.sort()
        if len(packed):
            packed = packed[_heads(packed >> bits)]
        return _Part(moves, packed, failed, reached, dropped)

    def _record(self, level: int, offset: int, part: _Part) -> None:
        """Keep the part's firsts that are the first of the whole search so far."""
        for name, (index, action) in part.failed.items():
            self.failed.setdefault(name, _First(level, offset + index, action))
        for name, (index, taken) in part.reached.items():
            self.reached.setdefault(name, _First(level, offset + index, taken))
        if self.off_contract is None and part.dropped is not None:
            self.off_contract = _First(level, offset + part.dropped, Action.RECV)

    def _trace_for(self, first: _First | None, label: str) -> Trace | None:
        if first is None:
            return None
        moves = path_to(self.parents, self.actions, first.level, first.index)
        path = [Action(move) for move in moves]
        if first.action is not None:
            path.append(first.action)
        return replay(self.bounds, path, label)


def path_to(
    parents: Sequence[npt.NDArray[np.unsignedinteger[Any]]],
    moves: Sequence[npt.NDArray[np.unsignedinteger[Any]]],
    level: int,
    index: int,
) -> list[int]:
    """The moves from the initial state to state `index` of `level`, first move first, when
    level L's state i was reached from state `parents[L][i]` of level L - 1 by move
    `moves[L][i]` (level 0 holds the initial state alone)."""
    path: list[int] = []
    while level > 0:
        path.append(int(moves[level][index]))
        index = int(parents[level][index])
        level -= 1
    path.reverse()
    return path


class _Visited:
    """The states found so far: a sorted array of keys per value of the bits from `shift`
    up (the counters queued and others)."""

    def __init__(self, shift: int) -> None:
        self.shift = np.uint64(shift)
        self.buckets: dict[int, U64] = {}
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, keys: U64) -> Mask:
        """Add sorted, distinct `keys`; returns where they were not known before."""
        new = np.ones(len(keys), dtype=np.bool_)
        tops = keys >> self.shift
        cuts = [0, *(np.flatnonzero(tops[1:] != tops[:-1]) + 1).tolist(), len(keys)]
        for lo, hi in itertools.pairwise(cuts):
            top, part = int(tops[lo]), keys[lo:hi]
            known = self.buckets.get(top)
            if known is None:
                self.buckets[top] = part.copy()
                continue
            at = np.searchsorted(known, part)
            found = at < len(known)
            found[found] = known[at[found]] == part[found]
            new[lo:hi] = ~found
            self.buckets[top] = np.insert(known, at[~found], part[~found])
        self.count += int(np.count_nonzero(new))
        return new


T = TypeVar("T", tuple[int, Action | None], tuple[int, Action])


def _keep_first(table: dict[str, T], name: str, candidate: T) -> None:
    """Keep `candidate` if it comes before what `table` has: by state, then action."""
    known = table.get(name)
    if known is None or _order(candidate) < _order(known):
        table[name] = candidate


def _order(first: tuple[int, Action | None]) -> tuple[int, int]:
    index, action = first
    return (index, -1 if action is None else int(action))


def _heads(sorted_keys: U64) -> Mask:
    """True at the first element of each run of equal values of a sorted array."""
    head = np.empty(len(sorted_keys), dtype=np.bool_)
    if len(head):
        head[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=head[1:])
    return head


def _codes(witness: Witness) -> tuple[Action, npt.NDArray[np.uint8]]:
    """The action a witness is about and the answer codes it accepts."""
    from tidegate.model import Ok

    action = next(a for a in ACTIONS if op_of(a, 0, 0).name is witness.op)
    samples = {**ANSWERS, Code.ITEM: Ok(1)}
    codes = [int(c) for c, answer in samples.items() if witness.matches(answer)]
    return action, np.array(codes, dtype=np.uint8)


def replay(bounds: Bounds, actions: list[Action], label: str) -> Trace:
    """The trace of `actions` from a fresh subject, with the model's answers."""
    queued = others = 0
    ops = []
    for action in actions:
        ops.append(op_of(action, queued, others))
        queued += action is Action.ENQUEUE
        others += action is Action.SEND
    return trace_of(bounds, tuple(ops), label)
