"""PORTING.md stays true: every rule is there, and the recording it cites really shows it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from tidegate.proofs.conform.rules import RULES, Rule, showing
from tidegate.proofs.protocol.traces import recorded_traces

GUIDE = (REPO / "PORTING.md").read_text(encoding="utf-8")
TRACES = {t.id: t for t in recorded_traces()}


def cited(rule: Rule) -> str:
    row = next(line for line in GUIDE.splitlines() if rule.sentence in line)
    found = re.search(r"`(tokio-1-\d+)`", row)
    assert found, f"no recording cited for: {rule.sentence}"
    return found.group(1)


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_cited_recording_shows_the_rule(rule: Rule) -> None:
    assert rule.sentence in GUIDE
    assert showing(rule, [TRACES[cited(rule)]]) == [cited(rule)]


def test_a_recording_that_does_not_show_a_rule_is_refused() -> None:
    # tokio-1-36 has cap 0 and never spills: it cannot show "spill".
    spill = next(r for r in RULES if r.key == "spill")
    assert showing(spill, [TRACES["tokio-1-36"]]) == []
