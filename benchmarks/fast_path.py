"""Benchmark: the queue's fast path against the raw channel and asyncio.Queue.

Run on demand (never a pass/fail test):

    .venv/bin/python benchmarks/fast_path.py [--ops N] [--rounds R]

All three are measured in the same run, interleaved round by round so machine
noise falls on each alike; the figures that matter are the ratios.
Targets: fast path <= 1.15 x raw channel; raw channel <= 0.6 x asyncio.Queue.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

from tidegate.impl import BackpressureQueue, Receiver, Sender
from tidegate.impl.channel import channel


def queue_fast_path(ops: int) -> float:
    tx: Sender[int]
    rx: Receiver[int]
    tx, rx = channel(64)
    q: BackpressureQueue[int] = BackpressureQueue(8)
    send, recv = q.enqueue_or_send, rx.try_recv
    start = time.perf_counter_ns()
    for i in range(ops):
        send(tx, i)
        recv()
    return (time.perf_counter_ns() - start) / ops


def raw_channel(ops: int) -> float:
    tx: Sender[int]
    rx: Receiver[int]
    tx, rx = channel(64)
    send, recv = tx.try_send, rx.try_recv
    start = time.perf_counter_ns()
    for i in range(ops):
        send(i)
        recv()
    return (time.perf_counter_ns() - start) / ops


def asyncio_queue(ops: int) -> float:
    async def run() -> float:
        queue: asyncio.Queue[int] = asyncio.Queue(64)
        put, get = queue.put_nowait, queue.get_nowait
        start = time.perf_counter_ns()
        for i in range(ops):
            put(i)
            get()
        return (time.perf_counter_ns() - start) / ops

    return asyncio.run(run())


def empty_loop(ops: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(ops):
        pass
    return (time.perf_counter_ns() - start) / ops


CASES: dict[str, Callable[[int], float]] = {
    "loop overhead": empty_loop,
    "queue fast path (enqueue_or_send + try_recv)": queue_fast_path,
    "raw channel (try_send + try_recv)": raw_channel,
    "asyncio.Queue (put_nowait + get_nowait)": asyncio_queue,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000, help="operations per round")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds")
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, case in CASES.items():
            samples[name].append(case(args.ops))
    median = {name: statistics.median(values) for name, values in samples.items()}
    overhead = median.pop("loop overhead")
    net = {name: value - overhead for name, value in median.items()}
    fast, raw, aq = net.values()
    print(
        f"{args.rounds} rounds x {args.ops:,} ops, median ns/op (loop overhead "
        f"{overhead:.1f} ns subtracted)"
    )
    for name, value in net.items():
        print(f"  {name:<46} {value:8.1f} ns/op")
    print(f"  fast path / raw channel    = {fast / raw:.3f}  (target <= 1.15)")
    print(f"  raw channel / asyncio.Queue = {raw / aq:.3f}  (target <= 0.60)")


if __name__ == "__main__":
    main()
