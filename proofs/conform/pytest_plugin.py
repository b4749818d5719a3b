"""Conformance as ordinary pytest results: `pytest --tidegate-adapter CMD`.

Installed with tidegate (entry point `pytest11`), so it loads in every pytest
run; without `--tidegate-adapter` it adds its options and nothing else. With
it, the session gains one test item per part of `tidegate conform`:

- `tidegate::protocol`: PROTOCOL.md's malformed requests (`--check-protocol`);
- `tidegate::recordings`: the 600 shipped recordings of the seed on tokio;
- `tidegate::traces[FILE]`: each `--tidegate-traces FILE`;
- `tidegate::coverage`: every reachable (state, operation, answer) kind at small bounds;
- `tidegate::random`: the wide random runs (`--tidegate-max-examples`, default 200).

A divergence fails its item with the minimal trace as the failure text; an
adapter that breaks the protocol fails it with the adapter's error.
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


def _parts(config: pytest.Config) -> Iterator[Part]:
    from tidegate.proofs.protocol.traces import TraceFileError, load_traces

    base = Settings(
        seed=config.getoption("--tidegate-seed"),
        max_examples=0,
        op_timeout=config.getoption("--tidegate-op-timeout"),
        recordings=False,
        coverage=False,
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
    examples = config.getoption("--tidegate-max-examples")
    yield Part("random", replace(base, max_examples=examples), needs_anchors=True)


class ConformanceItem(pytest.Item):
    """One part of a conformance run against the adapter."""

    def __init__(self, *, part: Part, command: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.part = part
        self.command = command

    def runtest(self) -> None:
        from tidegate.proofs.conform.session import conform

        outcome = conform(self.command, self.part.settings)
        problems = _problems(outcome, self.part)
        if problems:
            raise ConformanceFailure("\n".join(problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return self.command, None, f"tidegate::{self.name}"


def _problems(outcome: ConformOutcome, part: Part) -> list[str]:
    from tidegate.proofs.conform.generate import ANCHORS
    from tidegate.proofs.conform.report import step_table

    if outcome.error is not None:
        return [f"adapter error: {outcome.error}"]
    if outcome.minimal is not None:
        where = "confirmed" if outcome.confirmed else "NOT reproduced"
        head = f"divergence in {outcome.source}; minimal trace ({where} on a fresh process):"
        return [head, *step_table(outcome.minimal), outcome.minimal.to_trace("minimal").to_json()]
    problems = list(outcome.protocol.failures) if outcome.protocol is not None else []
    if part.needs_coverage and outcome.covered < outcome.reachable:
        problems.append(f"only {outcome.covered}/{outcome.reachable} kinds covered")
    if part.needs_anchors and outcome.anchors_run < len(ANCHORS):
        problems.append(f"only {outcome.anchors_run}/{len(ANCHORS)} anchor runs ran")
    return problems


class ConformanceCollector(pytest.Collector):
    """The `tidegate` node every conformance item hangs from."""

    def __init__(self, *, command: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.command = command

    def collect(self) -> list[pytest.Item]:
        return [
            ConformanceItem.from_parent(self, name=part.name, part=part, command=self.command)
            for part in _parts(self.config)
        ]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    command = config.getoption("--tidegate-adapter")
    if not command:
        return
    collector = ConformanceCollector.from_parent(session, name="tidegate", command=command)
    items.extend(collector.collect())
