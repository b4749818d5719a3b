#!/usr/bin/env python3
"""Mutation testing of tidegate with mutmut 3: on demand, never in CI.

    nice -n 10 .venv/bin/python scripts/mutation.py            # model/ and impl/, then the report
    nice -n 10 .venv/bin/python scripts/mutation.py --scope proofs  # the checks' policy code
    .venv/bin/python scripts/mutation.py --report              # report the last run again
    .venv/bin/python scripts/mutation.py --show NAME           # the diff of one mutant
    nice -n 10 .venv/bin/python scripts/mutation.py --scope all  # the protocol loops too

mutmut derives a module's name from its path, and this repository maps
directories onto package names (model/ is tidegate.model), so each scope runs
in a staging tree of its own, build/mutation/SCOPE/, laid out as the installed
package: tidegate/model, tidegate/impl and tidegate/proofs, tests/, and
pyproject.toml with a [tool.mutmut] section added. mutmut puts its mutants/
first on sys.path, so the tests import the mutated package from there; the
packages of the scope that are not mutated are copied beside it unchanged.

A scope names files, and in a file either every function or only some (its
policy: `--scope proofs` mutates how outcomes become verdicts and exit codes,
not how they are printed). The functions left out are marked in the staging
tree with mutmut's `# pragma: no mutate block`, never in the repository.

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
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "mutation"
PACKAGES = {"model": "tidegate/model", "impl": "tidegate/impl", "proofs": "tidegate/proofs"}

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
# Tests that drive adapters, CrossHair or the `tidegate` program in child processes, which
# import the unmutated package: they take most of the suite's time and can kill a mutant only by
# accident, and on a loaded machine those with a time budget (conform's answer timeout,
# the kits' runs) fail the run before it begins.
_VERDICTS = "tests/proofs/test_verdicts.py::test_each_outcome_exits_with_its_code"
CHILD_PROCESSES = [
    *(
        f"{_VERDICTS}[conform-{row}]"
        for row in (
            "0-the implementation conforms",
            "1-a port that drains newest first",
            "3-too few runs for the coverage goal",
            "4-an adapter that crashes",
            "2-an adapter that cannot start",
            "2-an empty adapter command",
        )
    ),
    "tests/proofs/test_verdicts.py::test_conform_short_of_its_coverage_goal_is_inconclusive",
    "tests/checkers_catch/test_every_check.py::test_conform_rejects_a_broken_port",
    "tests/checkers_catch/test_every_check.py::test_conform_rejects_an_adapter_that_crashes",
    "tests/proofs/test_cli.py::test_the_package_runs_as_a_module",
    "tests/proofs/test_verdicts.py::test_crosshair_cut_off_is_inconclusive",
    "tests/proofs/test_verdicts.py::test_crosshair_diff_that_could_not_run_is_inconclusive",
    "tests/checkers_catch/test_every_check.py::test_crosshair_diff_rejects_a_miscounting_implementation",
    "tests/checkers_catch/test_broken_queues.py::test_diffbehavior_finds_a_queue_that_overtakes_its_backlog",
]
# Tests whose outcome needs a quick-profile time budget to suffice: a loaded machine (a
# mutation run is one) exhausts it before the failure they look for, which turns a FAIL
# into INCONCLUSIVE and fails the whole run before it begins.
TIME_BUDGETED = [
    "tests/checkers_catch/test_every_check.py::test_interleave_rejects_a_seed_that_stops_showing_its_findings",
    "tests/checkers_catch/test_broken_queues.py::test_verify_against_a_flipped_drain_exits_1_with_program_and_trace",
]
DESELECT += [
    *CHILD_PROCESSES,
    *TIME_BUDGETED,
    "tests/kits",
    "tests/proofs/test_conform.py",
    "tests/proofs/test_explore_oracle.py",
    "tests/proofs/test_fuzz_cli.py",
    "tests/proofs/test_interrupts.py",
    "tests/proofs/test_robust.py",
    "tests/checkers_catch/test_broken_adapters.py",
    "tests/checkers_catch/test_broken_ports.py",
    "tests/checkers_catch/test_wrapping_ports.py",
    "tests/proofs/test_pytest_plugin.py",
    "tests/proofs/test_serve.py",
    "tests/proofs/test_traces_generate.py",
]

CORE = [
    "tidegate/model/answers.py",
    "tidegate/model/channel.py",
    "tidegate/model/errors.py",
    "tidegate/model/notify.py",
    "tidegate/model/ops.py",
    "tidegate/model/parked.py",
    "tidegate/model/queue.py",
    "tidegate/model/subject.py",
    "tidegate/model/tasks.py",
    "tidegate/impl/chan.py",
    "tidegate/impl/channel.py",
    "tidegate/impl/errors.py",
    "tidegate/impl/handpoll.py",
    "tidegate/impl/notify.py",
    "tidegate/impl/permit.py",
    "tidegate/impl/queue.py",
    "tidegate/impl/receiver.py",
    "tidegate/impl/sender.py",
]
"""The queue, the channel, its tasks and Notify, in the model and the implementation:
what `tidegate verify` checks. `--scope all` adds the protocol loops (impl/reader.py,
...), whose tests (the interleaving explorer) cannot run on mutmut's trampolines."""

EVERY = None
"""Every function of a file is mutated."""

PROOFS: dict[str, tuple[str, ...] | None] = {
    # verdicts and exit codes
    "tidegate/proofs/core.py": ("parse_size", "default_memory_limit"),
    "tidegate/proofs/cli.py": ("exit_code", "number", "_bound", "main"),
    "tidegate/proofs/verify.py": ("checks_for", "_timed", "_not_run", "overall"),
    "tidegate/proofs/report.py": ("write_junit",),
    # each capability's outcome -> verdict
    "tidegate/proofs/recordings/check.py": EVERY,
    "tidegate/proofs/differential/check.py": ("check_differential", "_failures"),
    "tidegate/proofs/explore/check.py": EVERY,
    "tidegate/proofs/crosshair/check.py": ("verdict", "diff_result", "searched_again"),
    "tidegate/proofs/crosshair/run.py": ("targets_of",),
    "tidegate/proofs/interleave/check.py": EVERY,
    "tidegate/proofs/interleave/verdict.py": ("Summary", "summarize", "missing_seed_findings"),
    # comparisons: the differential's agreement and its ledger of accepted items
    "tidegate/proofs/differential/machine.py": ("Differential.agree", "Differential._step"),
    "tidegate/proofs/differential/ledger.py": EVERY,
    # coverage accounting, and which shrunk case is accepted
    "tidegate/proofs/conform/coverage.py": EVERY,
    "tidegate/proofs/conform/shrink.py": (
        "_Shrinker.out",
        "_Shrinker.attempt",
        "_case_size",
        "shrink_mismatch",
    ),
}
"""The policy code of proofs/: how a check's outcome becomes a verdict, a verdict an exit
code, and what counts as agreement, as covered and as a smaller failure. Printing, the
engines and the adapters' plumbing are left out: a mutant there changes what is shown, or
how fast, not what is concluded."""

PROOFS_TESTS = [
    "tests/proofs/test_verdicts.py",
    "tests/proofs/test_cli.py",
    "tests/proofs/test_budget.py",
    "tests/proofs/test_differential.py",
    "tests/proofs/test_ledger_tasks.py",
    "tests/proofs/test_explore_check.py",
    "tests/proofs/test_recordings.py",
    "tests/proofs/test_interleave.py",
    "tests/proofs/test_properties.py",
    "tests/proofs/test_report.py",
    *(
        f"tests/proofs/test_conform.py::{test}"
        for test in (
            "test_coverage_cases_cover_every_reachable_kind",
            "test_answers_fall_into_their_coverage_classes",
            "test_a_kind_is_the_abstract_state_the_operation_and_the_answer_class",
            "test_every_reachable_kind_comes_with_a_shortest_case_of_fresh_items",
            "test_shrinking_keeps_only_smaller_failures_of_the_same_kind",
            "test_shrinking_goes_on_while_a_round_makes_progress",
            "test_items_are_renumbered_in_order_or_lowered_one_by_one_never_grown",
            "test_a_move_past_the_bound_leaves_the_other_moves_of_its_state_searched",
        )
    ),
    "tests/proofs/test_crosshair.py::test_a_report_is_a_pass_only_when_complete_with_every_condition_checked",
    "tests/proofs/test_crosshair.py::test_diffbehavior_fails_only_on_a_program_shown",
    "tests/proofs/test_crosshair.py::test_targets_of_names_the_function_whose_docstring_holds_the_condition",
    "tests/proofs/test_crosshair.py::test_a_target_that_met_no_precondition_is_searched_again_at_twice_the_budget",
    "tests/proofs/test_crosshair.py::test_searching_again_keeps_what_it_did_not_redo_and_says_what_it_redoes",
    "tests/checkers_catch/test_every_check.py",
    "tests/checkers_catch/test_broken_queues.py",
]
"""The tests that drive the policy code in this process: the verdict and exit-code tables,
each check's own tests, and the checkers catching broken subjects."""


PROOFS_DESELECT = [
    *CHILD_PROCESSES,
    *TIME_BUDGETED,
    *(
        f"tests/proofs/test_interleave.py::{test}"
        for test in (
            "test_the_seed_keeps_every_property_at_the_default_bounds",
            "test_drain_all_removes_the_coalescing_finding",
            "test_model_and_implementation_agree_on_random_scenarios",
            "test_a_slot_a_failing_parked_send_frees_after_close_is_no_lost_wake_up",
        )
    ),
    "tests/checkers_catch/test_broken_queues.py::test_forgetting_the_closed_drain_is_caught_and_replays",
]
"""Left out of the proofs run, besides CHILD_PROCESSES and TIME_BUDGETED: the searches
that take 5 to 45 s each and reach no policy code (the interleaving explorer's own tests;
a differential search for a planted bug that test_every_check's finds faster)."""


@dataclass(frozen=True)
class Scope:
    """What one run mutates (`files`: a file's functions to mutate, EVERY for all) and
    which tests judge it (`tests`: pytest paths; empty for the whole suite but `deselect`)."""

    mutated: tuple[str, ...]
    files: dict[str, tuple[str, ...] | None]
    tests: list[str] = field(default_factory=list)
    deselect: list[str] = field(default_factory=list)


CORE_TESTS = [
    "tests/model",
    "tests/impl",
    "tests/tokio",
    "tests/proofs/test_recordings.py",
    "tests/proofs/test_task_facts.py",
    "tests/proofs/test_properties.py",
]
"""The tests that judge the core: the model's and the implementation's own, tokio's
translated, the v1 recordings and PROTOCOL.md's facts. The v2 recordings
(test_task_recordings.py) crashed mutmut's stats run with a segmentation fault in
`record_trampoline_hit`; tests/impl and tests/tokio drive the same task code. The
checkers' long searches (differential, explore, interleave) are left out: they would test
each mutant of the core for minutes, and a run of all 1,200 would outlast an afternoon on
a shared machine."""

SCOPES = {
    "core": Scope(("model", "impl"), dict.fromkeys(CORE, EVERY), CORE_TESTS, DESELECT),
    "all": Scope(("model", "impl"), {"*": EVERY}, deselect=DESELECT),
    "proofs": Scope(("proofs",), PROOFS, tests=PROOFS_TESTS, deselect=PROOFS_DESELECT),
}

MUTMUT_CONFIG = """
[tool.mutmut]
source_paths = [{source_paths}]
pytest_add_cli_args = ["-q", "-p", "no:randomly", "-m", "not slow", "--timeout=120"{deselect}]
pytest_add_cli_args_test_selection = [{tests}]
also_copy = [{also_copy}]
only_mutate = [{only_mutate}]
use_git_change_detection = false
"""

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS.update({36: "timeout", 24: "timeout", -24: "timeout", 37: "type check", None: "not run"})
DETECTED = ("killed", "timeout", "type check")

NO_MUTATE = "  # pragma: no mutate block"

ROOMY = 10
"""How many times longer the profiles' wall-clock budgets are in the staging tree."""

ROOMY_PROFILES = f"""

# Added by scripts/mutation.py in its staging tree only: a mutation run loads the machine,
# and a check whose wall-clock budget runs out says INCONCLUSIVE where a test expects it
# to conclude; the tests that mean a budget to run out set theirs to 0 themselves.
def _roomy(sizes: object) -> object:
    budgets = {{"budget", "time_budget"}}
    changes = {{
        f.name: getattr(sizes, f.name) * {ROOMY}
        for f in fields(sizes)  # type: ignore[arg-type]
        if f.name in budgets and isinstance(getattr(sizes, f.name), float | int)
    }}
    return replace(sizes, **changes)  # type: ignore[type-var]


PROFILES.update(
    (profile, replace(sizes, **{{f.name: _roomy(getattr(sizes, f.name)) for f in fields(sizes)}}))
    for profile, sizes in PROFILES.items()
)
"""


def quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def stage(rev: str, scope: Scope, where: Path) -> None:
    """Lay out `where` afresh (its old mutants/ included) from commit `rev`, so the
    figures belong to a commit, not to whatever is half-written in the working tree.

    The three packages go under tidegate/ (those not mutated too, so that they come
    from the same commit); everything else (tests/, the documents some tests read)
    stays at the top, and mutmut copies it beside the mutants."""
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev], cwd=REPO, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    for source, target in PACKAGES.items():
        (where / target).parent.mkdir(exist_ok=True)
        shutil.move(where / source, where / target)
    for path, functions in scope.files.items():
        if functions is not EVERY:
            only_functions(where / path, functions)
    with (where / "tidegate/proofs/profiles.py").open("a") as profiles:
        profiles.write("\nfrom dataclasses import fields, replace  # noqa: E402\n" + ROOMY_PROFILES)
    mutated = [PACKAGES[name] for name in scope.mutated]
    copied = [target for name, target in PACKAGES.items() if name not in scope.mutated]
    rest = sorted(p.name for p in where.iterdir() if p.name not in ("tidegate", "tests"))
    config = MUTMUT_CONFIG.format(
        source_paths=quoted(mutated),
        deselect="".join(f', "--deselect", "{path}"' for path in scope.deselect),
        tests=quoted(scope.tests),
        also_copy=quoted([*copied, *rest]),
        only_mutate=quoted(list(scope.files)),
    )
    with (where / "pyproject.toml").open("a") as pyproject:
        pyproject.write(config)


def only_functions(path: Path, functions: tuple[str, ...]) -> None:
    """Mark every function and method of `path` not named in `functions` (`name`,
    `Class.method`, or `Class` for all its methods) with mutmut's block pragma, on the
    line of its header's colon, so that mutmut leaves it whole (no trampoline either)."""
    import libcst as cst  # mutmut's own dependency: present wherever mutmut is

    class Mark(cst.CSTTransformer):
        def __init__(self) -> None:
            self.classes: list[str] = []
            self.found: set[str] = set()

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            self.classes.append(node.name.value)
            return len(self.classes) == 1

        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            self.classes.pop()
            return updated

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False  # nested functions belong to the function around them

        def leave_FunctionDef(
            self, original: cst.FunctionDef, updated: cst.FunctionDef
        ) -> cst.FunctionDef:
            names = {".".join([*self.classes, updated.name.value]), *self.classes[:1]}
            self.found.update(names & set(functions))
            body = updated.body
            if names & set(functions) or not isinstance(body, cst.IndentedBlock):
                return updated
            comment = cst.Comment(NO_MUTATE.strip())
            header = body.header.with_changes(
                whitespace=cst.SimpleWhitespace("  "), comment=comment
            )
            return updated.with_changes(body=body.with_changes(header=header))

    mark = Mark()
    path.write_text(cst.parse_module(path.read_text()).visit(mark).code)
    missing = set(functions) - mark.found
    if missing:
        raise SystemExit(f"{path}: no function named {', '.join(sorted(missing))}")


def mutmut(where: Path, *args: str) -> int:
    env = dict(os.environ, TIDEGATE_SHARED=str(REPO.parent / "shared"))
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return subprocess.call([sys.executable, "-m", "mutmut", *args], cwd=where, env=env)


def results(where: Path) -> dict[str, str]:
    """Every mutant's status, read from the .meta files mutmut leaves beside each mutant."""
    found: dict[str, str] = {}
    for meta in sorted((where / "mutants").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            found[name] = STATUS.get(code, f"suspicious (exit {code})")
    return found


def report(where: Path, goal: float) -> int:
    found = results(where)
    if not found:
        print(f"no mutation results in {where}: run without --report first", file=sys.stderr)
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
    parser.add_argument(
        "--goal", type=float, help="kill rate to reach, in %% (95; 90 for --scope proofs)"
    )
    parser.add_argument("--rev", default="HEAD", help="the commit to mutate (HEAD)")
    parser.add_argument(
        "--scope",
        choices=sorted(SCOPES),
        default="core",
        help="core: the queue, channel, tasks and Notify (default); all: every module of "
        "model/ and impl/; proofs: the policy code of proofs/",
    )
    args = parser.parse_args()
    where = BUILD / args.scope
    goal = args.goal if args.goal is not None else 90.0 if args.scope == "proofs" else 95.0
    if args.show:
        return mutmut(where, "show", args.show)
    if not args.report:
        stage(args.rev, SCOPES[args.scope], where)
        code = mutmut(where, "run", "--max-children", str(args.jobs))
        if code != 0:
            print(f"mutmut run exited with {code}", file=sys.stderr)
            return 2
    return report(where, goal)


if __name__ == "__main__":
    sys.exit(main())
