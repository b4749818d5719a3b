"""Benchmark: operations per second through the adapter pipe, against the pipe's own limit.

Run on demand (never a pass/fail test):

    .venv/bin/python benchmarks/pipe_throughput.py [--ops N] [--rounds R]

Every adapter gets the same request lines (a `new`, then a long generated run
of operations), one at a time, through `tidegate.proofs.protocol.adapter.Adapter`:
write one line, wait for its answer line (the pipe's round trip). The limit
is a trivial echo adapter: `cat` (no work at all; it echoes each request
back) and a three-line Python loop that answers `{"ok":null}` (the floor for
any Python adapter). Adapters are measured round-robin, `--rounds` times, and
the best round of each is kept, so machine noise does not favour one.

The `conform checking ...` rows are the same adapters driven as `tidegate
conform` drives them (requests go out 256 at a time while the model computes
every expected answer, then each reply is parsed and compared), over the same
generated runs; the echo adapters fed 256 at a time are the pipe's limit for
that way of talking. Last, the wall time of a default `tidegate conform` run
against the oracle and against `tidegate serve`. Goal: >= 0.8 x the echo limit.
"""

from __future__ import annotations

import argparse
import random
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.generate import random_case
from tidegate.proofs.conform.runner import WINDOW, run_case
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.wire import dumps, op_to_wire

ORACLE = Path(__file__).resolve().parent.parent.parent / "shared" / "oracle" / "seed-oracle"
PY_ECHO = (
    "import sys\n"
    "for _ in sys.stdin.buffer:\n"
    "    sys.stdout.buffer.write(b'{\"ok\":null}\\n'); sys.stdout.buffer.flush()\n"
)


ECHOES = ("echo (cat)", "echo (python)")


def request_lines(ops: int) -> list[str]:
    """`new` and then generated operations, at least `ops` lines in all."""
    rng = random.Random(7)
    lines: list[str] = []
    index = 0
    while len(lines) < ops:
        case = random_case(rng, index, 500)
        index += 1
        lines.append(dumps({"op": "new", "capacity": case.capacity, "cap": case.cap}))
        lines.extend(dumps(op_to_wire(op)) for op in case.ops)
    return lines[:ops]


def cases_for(ops: int) -> list[Case]:
    """Generated cases totalling at least `ops` operations (the same runs as request_lines)."""
    rng = random.Random(7)
    cases: list[Case] = []
    while sum(len(c.ops) + 1 for c in cases) < ops:
        cases.append(random_case(rng, len(cases), 500))
    return cases


def conform_rate(command: str, cases: list[Case]) -> float:
    """Requests per second as `conform` checks them: the model judges every answer."""
    with Adapter(command, timeout=10) as adapter:
        adapter.request_line('{"op":"new","capacity":1,"cap":0}')
        start = time.perf_counter()
        for case in cases:
            assert run_case(adapter, case) is None
        return adapter.requests / (time.perf_counter() - start)


def window_rate(command: str, lines: list[str], window: int = WINDOW) -> float:
    """Requests per second sent `window` at a time, as conform sends them (echo only)."""
    with Adapter(command, timeout=10) as adapter:
        adapter.request_line(lines[0])
        start = time.perf_counter()
        for first in range(0, len(lines), window):
            batch = lines[first : first + window]
            adapter.send_lines(batch)
            for _ in batch:
                adapter.receive_line()
        return len(lines) / (time.perf_counter() - start)


def rate(command: str, lines: list[str]) -> float:
    """Requests per second, one at a time, through one adapter process."""
    with Adapter(command, timeout=10) as adapter:
        adapter.request_line(lines[0])  # start-up is not throughput
        start = time.perf_counter()
        for line in lines:
            adapter.request_line(line)
        return len(lines) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20000, help="requests per adapter per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tidegate = str(Path(sys.executable).with_name("tidegate"))
    adapters = {
        "echo (cat)": shutil.which("cat") or "cat",
        "echo (python)": shlex.join([sys.executable, "-c", PY_ECHO]),
        "tidegate serve --subject model": f"{tidegate} serve --subject model",
        "tidegate serve --subject impl": f"{tidegate} serve --subject impl",
    }
    if ORACLE.is_file():
        adapters["seed-oracle"] = str(ORACLE)
    else:
        print(f"seed oracle absent at {ORACLE}: not measured")
    lines = request_lines(args.ops)
    cases = cases_for(args.ops)
    checked = {f"conform checking {name}": command for name, command in adapters.items()}
    checked = {k: v for k, v in checked.items() if "echo" not in k}
    windowed = {f"{name}, {WINDOW} at a time": adapters[name] for name in ECHOES}
    best = dict.fromkeys([*adapters, *windowed, *checked], 0.0)
    for _ in range(args.rounds):
        for name, command in windowed.items():
            best[name] = max(best[name], window_rate(command, lines))
        for name, command in adapters.items():
            best[name] = max(best[name], rate(command, lines))
        for name, command in checked.items():
            best[name] = max(best[name], conform_rate(command, cases))
    cat, py = best["echo (cat)"], best["echo (python)"]
    print(f"{args.ops} requests per adapter, best of {args.rounds} rounds")
    print(f"{'adapter':<48}{'requests/s':>12}{'x cat echo':>12}{'x python echo':>15}")
    for name, value in best.items():
        print(f"{name:<48}{value:>12,.0f}{value / cat:>12.2f}{value / py:>15.2f}")
    print("wall time of a default `tidegate conform` run (recordings, coverage, 200 runs):")
    for name in ("seed-oracle", "tidegate serve --subject impl"):
        if name in adapters:
            start = time.perf_counter()
            done = subprocess.run(
                [tidegate, "conform", "--adapter", adapters[name]],
                capture_output=True,
                text=True,
                check=False,
            )
            verdict = done.stdout.strip().splitlines()[-1]
            print(f"  {name:<46}{time.perf_counter() - start:>6.1f}s   {verdict}")


if __name__ == "__main__":
    main()
