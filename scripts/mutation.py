#!/usr/bin/env python3
"""Mutation testing of tidegate.model and tidegate.impl with mutmut 3: on demand, never in CI.

    nice -n 10 .venv/bin/python scripts/mutation.py            # whole run, then the report
    .venv/bin/python scripts/mutation.py --report              # report the last run again
    .venv/bin/python scripts/mutation.py --show NAME           # the diff of one mutant
    nice -n 10 .venv/bin/python scripts/mutation.py --scope all  # the protocol loops too

mutmut derives a module's name from its path, and this repository maps
directories onto package names (model/ is tidegate.model), so the run happens
in a staging tree, build/mutation/, laid out as the installed package:
tidegate/model and tidegate/impl (the code mutated), tests/, and pyproject.toml
with a [tool.mutmut] section added. mutmut puts its mutants/ first on sys.path,
so the tests import the mutated tidegate.model and tidegate.impl while
tidegate.proofs still comes from the installed (editable) package.

The kill rate counts a mutant as detected when a test failed (killed) or the
tests ran past mutmut's timeout; survivors and mutants no test reaches count
against it. Exit code: 0 when the rate is at least --goal percent, 1 below it,
2 when mutmut itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "build" / "mutation"
MUTATED = {"model": "tidegate/model", "impl": "tidegate/impl"}
PACKAGES = {**MUTATED, "proofs": "tidegate/proofs"}

# Tests that cannot judge a mutant: those reading the source itself (purity, CrossHair on
# a copy of subject.py) see mutmut's trampolines instead of the code they mean to check,
# and the interleaving explorer, which steps the impl's coroutines one await at a time,
# fails on unmutated code once mutmut has wrapped every async def in a trampoline.
DESELECT = [
    "tests/model/test_purity.py",
    "tests/proofs/test_crosshair.py",
    "tests/checkers_catch/test_broken_model.py::test_a_wrong_transition_fails_with_its_counterexample",
    "tests/proofs/test_interleave.py",
    "tests/checkers_catch/test_broken_loops.py",
]
# Tests that drive adapters in child processes, which import the unmutated package: they
# take most of the suite's time and can kill a mutant only by accident.
DESELECT += [
    "tests/proofs/test_conform.py",
    "tests/checkers_catch/test_broken_adapters.py",
    "tests/checkers_catch/test_broken_ports.py",
    "tests/proofs/test_pytest_plugin.py",
    "tests/proofs/test_serve.py",
    "tests/proofs/test_traces_generate.py",
]

CORE = [
    "tidegate/model/answers.py",
    "tidegate/model/channel.py",
    "tidegate/model/errors.py",
    "tidegate/model/ops.py",
    "tidegate/model/queue.py",
    "tidegate/model/subject.py",
    "tidegate/impl/channel.py",
    "tidegate/impl/errors.py",
    "tidegate/impl/notify.py",
    "tidegate/impl/queue.py",
]
"""The queue, the channel and Notify, in the model and the implementation: what
`tidegate verify` checks. `--scope all` adds the protocol loops (impl/reader.py, ...),
whose tests (the interleaving explorer) cannot run on mutmut's trampolines."""

MUTMUT_CONFIG = """
[tool.mutmut]
source_paths = ["tidegate/model", "tidegate/impl"]
pytest_add_cli_args = ["-q", "-p", "no:randomly", "-m", "not slow", "--timeout=120"{deselect}]
also_copy = [{also_copy}]
only_mutate = [{only_mutate}]
use_git_change_detection = false
"""

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS.update({36: "timeout", 24: "timeout", -24: "timeout", 37: "type check", None: "not run"})
DETECTED = ("killed", "timeout", "type check")


def stage(rev: str, only_mutate: list[str]) -> None:
    """Lay out build/mutation afresh (its old mutants/ included) from commit `rev`, so the
    figures belong to a commit, not to whatever is half-written in the working tree.

    The three packages go under tidegate/ (proofs too, unmutated, so that it comes from
    the same commit); everything else (tests/, the documents some tests read) stays at
    the top, and mutmut copies it beside the mutants."""
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev], cwd=REPO, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(STAGE)], input=archive, check=True)
    for source, target in PACKAGES.items():
        (STAGE / target).parent.mkdir(exist_ok=True)
        shutil.move(STAGE / source, STAGE / target)
    rest = sorted(p.name for p in STAGE.iterdir() if p.name not in ("tidegate", "tests"))
    also_copy = ", ".join(f'"{name}"' for name in ["tidegate/proofs", *rest])
    deselect = "".join(f', "--deselect", "{path}"' for path in DESELECT)
    only = ", ".join(f'"{pattern}"' for pattern in only_mutate)
    config = MUTMUT_CONFIG.format(deselect=deselect, also_copy=also_copy, only_mutate=only)
    with (STAGE / "pyproject.toml").open("a") as pyproject:
        pyproject.write(config)


def mutmut(*args: str) -> int:
    env = dict(os.environ, TIDEGATE_SHARED=str(REPO.parent / "shared"))
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return subprocess.call([sys.executable, "-m", "mutmut", *args], cwd=STAGE, env=env)


def results() -> dict[str, str]:
    """Every mutant's status, read from the .meta files mutmut leaves beside each mutant."""
    found: dict[str, str] = {}
    for meta in sorted((STAGE / "mutants").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            found[name] = STATUS.get(code, f"suspicious (exit {code})")
    return found


def report(goal: float) -> int:
    found = results()
    if not found:
        print("no mutation results: run without --report first", file=sys.stderr)
        return 2
    counts = Counter(found.values())
    detected = sum(counts[s] for s in DETECTED)
    rate = 100.0 * detected / len(found)
    print(f"\n{len(found)} mutants: " + ", ".join(f"{n} {s}" for s, n in counts.most_common()))
    by_module = Counter(name.rsplit(".x", 1)[0] for name in found)
    for module, total in sorted(by_module.items()):
        alive = [n for n, s in found.items() if n.startswith(module + ".x") and s not in DETECTED]
        print(f"  {module}: {total - len(alive)}/{total} detected")
    survivors = sorted(n for n, s in found.items() if s not in DETECTED)
    for name in survivors:
        print(f"  not detected ({found[name]}): {name}")
    print(f"kill rate: {detected}/{len(found)} = {rate:.1f}% (goal {goal:g}%)")
    return 0 if rate >= goal else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument("--show", metavar="NAME", help="show one mutant's diff")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (2)")
    parser.add_argument("--goal", type=float, default=95.0, help="kill rate to reach, in %%")
    parser.add_argument("--rev", default="HEAD", help="the commit to mutate (HEAD)")
    parser.add_argument(
        "--scope",
        choices=["core", "all"],
        default="core",
        help="core: the queue, channel and Notify (default); all: every module of both",
    )
    args = parser.parse_args()
    if args.show:
        return mutmut("show", args.show)
    if not args.report:
        stage(args.rev, CORE if args.scope == "core" else ["*"])
        code = mutmut("run", "--max-children", str(args.jobs))
        if code != 0:
            print(f"mutmut run exited with {code}", file=sys.stderr)
            return 2
    return report(args.goal)


if __name__ == "__main__":
    sys.exit(main())
