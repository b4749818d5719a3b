"""`tidegate simulate`: the sizing claims measured in virtual time on the real loops."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from tidegate.impl.variants import Variant
from tidegate.proofs.cli import main
from tidegate.proofs.simulate import sizing
from tidegate.proofs.simulate.sizing import CLAIMS, measure, predicted_stall


@pytest.mark.parametrize("cap", [0, 1, 8, 32])
@pytest.mark.parametrize("capacity", [1, 4])
def test_a_stalled_consumer_is_tolerated_exactly_capacity_plus_cap_plus_one_intervals(
    cap: int, capacity: int
) -> None:
    m = measure(cap, capacity, 0.25, "stalled")
    assert m.tolerance == pytest.approx(predicted_stall(cap, capacity, 0.25))
    assert m.left == cap  # the backlog was full when the peer was dropped


def test_a_slow_consumer_is_tolerated_longer_and_a_fast_enough_one_forever() -> None:
    stalled = measure(8, 1, 0.25, "stalled")
    slow = measure(8, 1, 0.25, "slow", slow_ratio=0.5)
    assert stalled.tolerance < slow.tolerance < math.inf
    assert slow.delivered > stalled.delivered


def test_bad_modes_are_named() -> None:
    with pytest.raises(ValueError, match="'paused'"):
        measure(8, 1, 0.25, "paused")
    with pytest.raises(ValueError, match="slow_ratio"):
        measure(8, 1, 0.25, "slow", slow_ratio=1.5)


def test_the_claims_hold_and_the_figures_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "sizing.png"
    if importlib.util.find_spec("matplotlib") is not None:
        assert main(["simulate", "--plot", str(png)]) == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert main(["simulate"]) == 0
        assert "table only" in capsys.readouterr().out
        assert main(["simulate", "--plot", str(png)]) == 2  # asked for, cannot be drawn
        assert "pip install 'tidegate[plot]'" in capsys.readouterr().err
        assert main(["simulate"]) == 0
    out = capsys.readouterr().out
    assert "2.50 s" in out and "5.67 ms" in out and "both claims hold" in out


def test_an_overstated_claim_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    overstated = sizing.Claim("dispatch", 8, 0.25, 10.0, "cap 8 at 250 ms: about 10 s")
    monkeypatch.setattr("tidegate.proofs.simulate.cli.CLAIMS", (overstated, CLAIMS[1]))
    assert main(["simulate", "--no-plot"]) == 1


@pytest.mark.parametrize("argv", [["--capacity", "0"], ["--slow-ratio", "1"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    # argparse refuses them, exiting 2 as for every command's bad option.
    with pytest.raises(SystemExit) as stop:
        main(["simulate", *argv, "--no-plot"])
    assert stop.value.code == 2


def test_variants_run_through_the_same_simulation() -> None:
    for variant in Variant:
        assert measure(8, 1, 0.25, "stalled", variant=variant).tolerance == pytest.approx(2.5)
