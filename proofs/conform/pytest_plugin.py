"""Conformance as ordinary pytest results: `pytest --tidegate-adapter CMD`.

Installed with tidegate (entry point `pytest11`), so it loads in every pytest
run; without `--tidegate-adapter` it adds its options and nothing else. With
it, the session gains one test item per part of `tidegate conform`:

- `tidegate::protocol`: PROTOCOL.md's malformed requests (`--check-protocol`);
- `tidegate::recordings`: the 600 shipped recordings of the seed on tokio;
- `tidegate::traces[FILE]`: each `--tidegate-traces FILE`;
- `tidegate::coverage`: every reachable (state, operation, answer) kind at small bounds;
- `tidegate::deep`: the deep runs (long runs, sizes past 2^8, 2^16, 2^32 and beyond);
- `tidegate::random`: the wide random runs (`--tidegate-max-examples`, default 200);
- `tidegate::tasks`: the asynchronous half (v2): the 600 task recordings, every reachable
  task kind and the random task runs, after the v1 recordings and coverage; skipped,
  saying so, for an adapter that answers every task operation Unsupported (v1 only).

The items are collected like any others (the header counts them; `-k`,
`--deselect` and node ids select them): `pytest --tidegate-adapter CMD
tidegate::coverage` runs that item alone, `tidegate` all of them. A
divergence fails its item with the minimal trace as the failure text; an
adapter that fails (dies, hangs, writes a non-answer) fails it likewise, with
the adapter's error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Its settings are light (dataclasses only); the conformance machinery is imported only when
# --tidegate-adapter is given: this module loads in every pytest run of everyone who
# installs tidegate.
from tidegate.proofs.conform.settings import Settings

if TYPE_CHECKING:
    from tidegate.proofs.conform.session import ConformOutcome


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tidegate", "conformance of a port of the backpressure queue")
    group.addoption(
        "--tidegate-adapter",
        metavar="CMD",
        help="check the PROTOCOL.md adapter CMD against tidegate's model, as test items",
    )
    group.addoption(
        "--tidegate-traces",
        metavar="FILE",
        action="append",
        default=[],
        help="also replay this PROTOCOL.md trace file (repeatable)",
    )
    group.addoption("--tidegate-seed", type=int, default=0, help="seed of generated cases")
    group.addoption(
        "--tidegate-max-examples", type=int, default=Settings.max_examples, help="random runs"
    )
    group.addoption(
        "--tidegate-op-timeout", type=float, default=Settings.op_timeout, help="seconds per answer"
    )


class ConformanceFailure(Exception):
    """Raised by a tidegate item whose part of the conformance run did not hold."""


@dataclass(frozen=True)
class Part:
    """One item: the settings that run just this part, and what counts as done."""

    name: str
    settings: Settings
    needs_coverage: bool = False
    needs_anchors: bool = False
    needs_tasks: bool = False


def _parts(config: pytest.Config) -> Iterator[Part]:
    from tidegate.proofs.protocol.traces import TraceFileError, load_traces

    base = Settings(
        seed=config.getoption("--tidegate-seed"),
        max_examples=0,
        op_timeout=config.getoption("--tidegate-op-timeout"),
        recordings=False,
        coverage=False,
        deep=False,
        time_budget=None,
        tasks=False,
    )
    yield Part("protocol", replace(base, check_protocol=True))
    yield Part("recordings", replace(base, recordings=True))
    for path in config.getoption("--tidegate-traces"):
        try:
            traces = tuple(load_traces(path))
        except (OSError, TraceFileError) as exc:
            raise pytest.UsageError(f"--tidegate-traces: {exc}") from None
        yield Part(f"traces[{Path(path).name}]", replace(base, traces=traces))
    yield Part("coverage", replace(base, coverage=True), needs_coverage=True)
    yield Part("deep", replace(base, deep=True))
    examples = config.getoption("--tidegate-max-examples")
    yield Part("random", replace(base, max_examples=examples), needs_anchors=True)
    tasks = replace(base, tasks=True, recordings=True, coverage=True)
    yield Part("tasks", tasks, needs_coverage=True, needs_tasks=True)


class ConformanceItem(pytest.Item):
    """One part of a conformance run against the adapter."""

    def __init__(self, *, part: Part, command: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.part = part
        self.command = command

    def runtest(self) -> None:
        from tidegate.proofs.conform.session import conform

        outcome = conform(self.command, self.part.settings)
        if self.part.needs_tasks and outcome.v1_only:
            pytest.skip("v1 only: the adapter answers every v2 task operation Unsupported")
        problems = _problems(outcome, self.part)
        if problems:
            raise ConformanceFailure("\n".join(problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return NODE, None, f"{NODE}::{self.name}"


def _problems(outcome: ConformOutcome, part: Part) -> list[str]:
    from tidegate.proofs.conform.generate import ANCHORS
    from tidegate.proofs.conform.report import step_table

    if outcome.error is not None:
        return [f"adapter error: {outcome.error}"]
    if outcome.minimal is not None:
        where = "confirmed" if outcome.confirmed else "NOT reproduced"
        what = "divergence" if outcome.minimal.breach is None else "adapter failure"
        head = f"{what} in {outcome.source}; minimal trace ({where} on a fresh process):"
        lines = [head, *step_table(outcome.minimal)]
        if outcome.minimal.breach is not None:
            lines.append(f"the adapter: {outcome.minimal.error}")
        return [*lines, outcome.minimal.to_trace("minimal").to_json()]
    problems = list(outcome.protocol.failures) if outcome.protocol is not None else []
    if part.needs_coverage and outcome.covered < outcome.reachable:
        problems.append(f"only {outcome.covered}/{outcome.reachable} kinds covered")
    if outcome.task_covered < outcome.task_reachable:
        problems.append(f"only {outcome.task_covered}/{outcome.task_reachable} task kinds covered")
    if part.needs_anchors and outcome.anchors_run < len(ANCHORS):
        problems.append(f"only {outcome.anchors_run}/{len(ANCHORS)} anchor runs ran")
    if outcome.deep_run < outcome.deep_planned:
        problems.append(f"only {outcome.deep_run}/{outcome.deep_planned} deep runs ran")
    return problems


NODE = "tidegate"
"""The node every conformance item hangs from: `tidegate::coverage` and so on."""


class ConformanceCollector(pytest.Collector):
    """The `tidegate` node; its items are the parts selected on the command line (all when
    none is named)."""

    def __init__(self, *, command: str, selected: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.command = command
        self.selected = selected

    def collect(self) -> list[pytest.Item]:
        parts = list(_parts(self.config))
        if self.selected:
            names = {part.name for part in parts}
            unknown = [name for name in self.selected if name not in names]
            if unknown:
                raise pytest.UsageError(
                    f"{NODE}::{unknown[0]}: no such conformance item; the items are "
                    + ", ".join(f"{NODE}::{name}" for name in sorted(names))
                )
            parts = [part for part in parts if part.name in self.selected]
        return [
            ConformanceItem.from_parent(self, name=part.name, part=part, command=self.command)
            for part in parts
        ]


_SELECTED = pytest.StashKey[list[str]]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Arguments naming this plugin's items are no paths: take them out before pytest looks
    # for them on disk, and remember which items they name.
    if not config.getoption("--tidegate-adapter", None):
        return
    ours = [arg for arg in config.args if arg == NODE or arg.startswith(NODE + "::")]
    config.stash[_SELECTED] = [arg.split("::", 1)[1] for arg in ours if "::" in arg]
    config.args[:] = [arg for arg in config.args if arg not in ours]


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    report = yield
    command = collector.config.getoption("--tidegate-adapter", None)
    if command and isinstance(collector, pytest.Session) and report.passed:
        selected = collector.config.stash.get(_SELECTED, [])
        node = ConformanceCollector.from_parent(
            collector, name=NODE, nodeid=NODE, command=command, selected=selected
        )
        report.result.append(node)
    return report
