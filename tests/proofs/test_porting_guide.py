"""PORTING.md stays true: every rule is there, and the recording it cites really shows it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from tidegate.proofs.conform.rules import RULES, Rule, showing
from tidegate.proofs.conform.task_rules import TASK_RULES
from tidegate.proofs.protocol.traces import recorded_task_traces, recorded_traces

GUIDE = (REPO / "PORTING.md").read_text(encoding="utf-8")
TRACES = {t.id: t for t in recorded_traces()}
TASK_TRACES = {t.id: t for t in recorded_task_traces()}


def cited(rule: Rule, recording: str = r"tokio-1-\d+") -> str:
    row = next(line for line in GUIDE.splitlines() if rule.sentence in line)
    found = re.search(rf"`({recording})`", row)
    assert found, f"no recording cited for: {rule.sentence}"
    return found.group(1)


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_cited_recording_shows_the_rule(rule: Rule) -> None:
    assert rule.sentence in GUIDE
    assert showing(rule, [TRACES[cited(rule)]]) == [cited(rule)]


@pytest.mark.parametrize("rule", TASK_RULES, ids=[r.key for r in TASK_RULES])
def test_cited_task_recording_shows_the_task_rule(rule: Rule) -> None:
    recording = cited(rule, r"tokio-task-\d+-\d+")
    assert showing(rule, [TASK_TRACES[recording]]) == [recording]


def test_every_task_rule_is_a_row_of_its_own() -> None:
    keys = [r.key for r in RULES + TASK_RULES]
    assert len(set(keys)) == len(keys)
    rows = [line for line in GUIDE.splitlines() if re.match(r"\| T\d+ \|", line)]
    assert len(rows) == len(TASK_RULES)
    for rule, row in zip(TASK_RULES, rows, strict=True):
        assert rule.sentence in row


def test_a_task_recording_that_does_not_show_a_task_rule_is_refused() -> None:
    # tokio-task-11-0 closes the channel first: no send ever parks, no slot is reserved.
    reserved = next(r for r in TASK_RULES if r.key == "slot-reserved")
    assert showing(reserved, [TASK_TRACES["tokio-task-11-0"]]) == []


def test_a_recording_that_does_not_show_a_rule_is_refused() -> None:
    # tokio-1-36 has cap 0 and never spills: it cannot show "spill".
    spill = next(r for r in RULES if r.key == "spill")
    assert showing(spill, [TRACES["tokio-1-36"]]) == []


README = (REPO / "README.md").read_text(encoding="utf-8")


def _help(*command: str) -> str:
    """The `--help` text of `tidegate COMMAND`, on one line."""
    from tidegate.proofs.cli import build_parser

    parser = build_parser()
    for name in command:
        parser = parser._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr,index]
    return " ".join(parser.format_help().split())


@pytest.mark.parametrize(
    "where",
    ["PORTING.md", "README.md", "tidegate --help", "tidegate conform --help"],
)
def test_every_exit_code_is_documented_alike(where: str) -> None:
    text = {
        "PORTING.md": GUIDE,
        "README.md": README[README.index("## Exit codes") :],
        "tidegate --help": _help(),
        "tidegate conform --help": _help("conform"),
    }[where]
    text = " ".join(text.replace("*", "").split())
    for code, word in [
        (0, "conform|holds"),
        (1, "diverged"),
        (2, "usage"),
        (3, "inconclusive|not a pass|not met"),
    ]:
        assert re.search(rf"\b{code}\b[^.;]*?({word})", text), f"{where}: exit {code}"
    assert re.search(r"\b4\b[^.;]*?adapter (failed|fails)", text), f"{where}: exit 4"


def test_the_guide_counts_the_probes_and_warns_of_doubles() -> None:
    from tidegate.proofs.conform.probes import PROBES

    guide = " ".join(GUIDE.split())
    assert f"({len(PROBES)} lines:" in guide
    assert "JSON.parse" in guide and "2^53 + 1 comes back as 2^53" in guide
    assert "does it flush standard output after each answer?" in guide
