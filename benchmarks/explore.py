"""Benchmark: the packed explorers against the reference explorer, a bare BFS, and SPIN.

Run on demand (never a pass/fail test):

    .venv/bin/python benchmarks/explore.py [--repeat N] [--big] [--no-slow-baselines]

Every (explorer, bounds) run is a fresh child process, so that its peak resident
memory is its own: bytes/state is (peak RSS - RSS before the search) / states. Runs
are interleaved round by round; the table shows the best of `--repeat` seconds, and
the ratios (x reference, x bare) are medians over the rounds in which both were
measured, so that each compares runs that met the same load from the rest of the
machine. SPIN 6.5.2's figures (compiled C,
36-byte state vectors, from issue 11) are printed beside them, not measured here.

- `packed`: `tidegate.proofs.explore.fast.explore_fast`, every property checked;
- `reference`: `tidegate.proofs.explore.search.explore`, every property checked;
- `bare`: below, a plain BFS over tuples with the rules inlined and a set of
  visited states: no properties, no traces (the issue's "bare 54-line BFS");
- with task bounds (C,K,NQ,NO,NS,NR,NW): `interned`
  (`tidegate.proofs.explore.interned.explore_interned`, what `auto` runs) against
  `reference`, every property and task property checked by both.

The reference explorer at 4,8,16,6 takes minutes (`--no-slow-baselines` skips it and
the bare BFS there); 4,8,18,8 (`--big`) is measured for the packed explorer only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import deque
from typing import Any

BOUNDS: list[tuple[int, ...]] = [(1, 1, 3, 2), (4, 8, 12, 4), (4, 8, 16, 6)]
TASK_BOUNDS: list[tuple[int, ...]] = [
    (1, 1, 1, 1, 1, 1, 1),
    (2, 1, 2, 2, 2, 1, 0),
    (2, 2, 3, 2, 2, 2, 0),
    (2, 2, 6, 3, 2, 1, 0),
]
"""Task bounds of verify's default and thorough profiles."""
BIG = (4, 8, 18, 8)
SLOW = {(4, 8, 16, 6)}
"""Bounds at which the baselines take minutes."""

SPIN = {
    (4, 8, 12, 4): (104_290, 0.07, None),
    (4, 8, 16, 6): (4_211_404, 4.8, None),
    (4, 8, 18, 8): (43_131_582, 58.6, 3 * 2**30),
}
"""SPIN 6.5.2 as issue 11 reports it: states, seconds, memory (bytes, where given)."""


def bare_bfs(capacity: int, cap: int, queue_items: int, other_items: int) -> int:
    """Reachable states by the issue's rules on plain tuples, nothing checked; the count.

    A state is (buffer, backlog, receiver, queued, others) with receiver 0 open,
    1 closed, 2 dropped; the rules are `tidegate.model.subject`'s, inlined.
    """
    start: tuple[tuple[int, ...], tuple[int, ...], int, int, int] = ((), (), 0, 0, 0)
    seen = {start}
    todo = deque([start])
    while todo:
        state = todo.popleft()
        buf, back, rx, q, o = state
        room = rx == 0 and len(buf) < capacity
        nexts = []
        if q < queue_items:
            item = q + 1
            if back:
                nexts.append((buf, back + (item,) if len(back) < cap else back, rx, q + 1, o))
            elif room:
                nexts.append((buf + (item,), back, rx, q + 1, o))
            elif rx == 0 and cap > 0:
                nexts.append((buf, (item,), rx, q + 1, o))
            else:
                nexts.append((buf, back, rx, q + 1, o))
        if back and rx != 0:
            nexts.append((buf, back[1:], rx, q, o))
        elif back and room:
            nexts.append((buf + back[:1], back[1:], rx, q, o))
        if o < other_items:
            nexts.append((buf + (1001 + o,) if room else buf, back, rx, q, o + 1))
        if rx != 2:
            nexts.append((buf[1:], back, rx, q, o))
            nexts.append(((), back, 2, q, o))
        if rx == 0:
            nexts.append((buf, back, 1, q, o))
        for following in nexts:
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return len(seen)


def run_one(engine: str, bounds: tuple[int, ...]) -> dict[str, Any]:
    """One search in this process: states, seconds, and resident memory it added."""
    from tidegate.proofs.explore.fast import explore_fast
    from tidegate.proofs.explore.interned import explore_interned
    from tidegate.proofs.explore.memory import peak_rss, rss
    from tidegate.proofs.explore.search import Bounds, explore

    before = rss()
    start = time.perf_counter()
    if engine in ("packed", "interned"):
        r = (explore_fast if engine == "packed" else explore_interned)(Bounds(*bounds))
        assert r.complete and r.invariants_hold()
        states = r.states
    elif engine == "reference":
        ref = explore(Bounds(*bounds))
        assert ref.complete and ref.invariants_hold()
        states = ref.states
    else:
        states = bare_bfs(*bounds[:4])
    seconds = time.perf_counter() - start
    return {"states": states, "seconds": seconds, "added": max(peak_rss() - before, 0)}


def measure(engine: str, bounds: tuple[int, ...]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", engine, ",".join(map(str, bounds))],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--big", action="store_true", help="also 4,8,18,8 (packed only, long)")
    parser.add_argument(
        "--no-slow-baselines", action="store_true", help="skip the baselines at 4,8,16,6"
    )
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "C,K,NQ,NO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        engine, text = args.one
        print(json.dumps(run_one(engine, tuple(int(x) for x in text.split(",")))))
        return
    plan: list[tuple[str, tuple[int, ...]]] = []
    for bounds in [*BOUNDS, *([BIG] if args.big else [])]:
        plan.append(("packed", bounds))
        if bounds == BIG or (bounds in SLOW and args.no_slow_baselines):
            continue
        plan += [("reference", bounds), ("bare", bounds)]
    plan += [(engine, b) for b in TASK_BOUNDS for engine in ("interned", "reference")]
    best: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}
    # Seconds per (engine, bounds) per round: ratios compare runs of the same round, which
    # met the same load from the rest of the machine.
    rounds: dict[tuple[str, tuple[int, ...]], dict[int, float]] = {}
    for round_ in range(args.repeat):
        for engine, bounds in plan:
            if round_ and (bounds == BIG or (bounds in SLOW and engine != "packed")):
                continue  # measured once: minutes per run
            r = measure(engine, bounds)
            rounds.setdefault((engine, bounds), {})[round_] = r["seconds"]
            known = best.get((engine, bounds))
            if known is None or r["seconds"] < known["seconds"]:
                best[(engine, bounds)] = r
            print(
                f"  {engine:9} {bounds}: {r['states']:>11,} states {r['seconds']:8.3f} s",
                file=sys.stderr,
            )
    print(
        f"{'bounds':14} {'explorer':10} {'states':>12} {'best s':>9} {'states/s':>12} "
        f"{'bytes/state':>11} {'x reference':>11} {'x bare':>7}"
    )

    def speedup(engine: str, baseline: str, bounds: tuple[int, ...], width: int) -> str:
        """The median over shared rounds of baseline seconds / engine seconds."""
        mine, theirs = rounds.get((engine, bounds), {}), rounds.get((baseline, bounds), {})
        shared = sorted(theirs[r] / mine[r] for r in mine.keys() & theirs.keys())
        if not shared:
            return f"{'-':>{width}}"
        return f"{shared[len(shared) // 2]:{width - 1}.1f}x"

    for bounds in [*BOUNDS, *([BIG] if args.big else []), *TASK_BOUNDS]:
        label = ",".join(map(str, bounds))
        for engine in ("packed", "interned", "reference", "bare"):
            if (engine, bounds) not in best:
                continue
            r = best[(engine, bounds)]
            rate = r["states"] / r["seconds"]
            vs_ref = speedup(engine, "reference", bounds, 11)
            vs_bare = speedup(engine, "bare", bounds, 7)
            print(
                f"{label:14} {engine:10} {r['states']:>12,} {r['seconds']:>9.3f} {rate:>12,.0f} "
                f"{r['added'] / r['states']:>11.1f} {vs_ref} {vs_bare}"
            )
        if bounds in SPIN:
            states, seconds, memory = SPIN[bounds]
            mem = f"{memory / states:>11.1f}" if memory else f"{'-':>11}"
            packed = best[("packed", bounds)]
            print(
                f"{label:14} {'SPIN 6.5.2':10} {states:>12,} {seconds:>9.3f} "
                f"{states / seconds:>12,.0f} {mem}   (published; packed is "
                f"{seconds / packed['seconds']:.2f}x SPIN's speed)"
            )


if __name__ == "__main__":
    main()
