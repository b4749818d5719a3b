"""`tidegate simulate`: the seed's sizing claims against the real loops in virtual time."""

from __future__ import annotations

import argparse
import importlib.util
import math
from pathlib import Path

from rich.table import Table

from tidegate.impl.variants import Variant
from tidegate.proofs.cli import exit_code, number
from tidegate.proofs.core import TidegateError, Verdict
from tidegate.proofs.flags import image_file
from tidegate.proofs.report import make_console
from tidegate.proofs.simulate.sizing import CLAIMS, WARMUP_ITEMS, Claim, measure, predicted_stall

CURVE_CAPS = (0, 1, 2, 4, 8, 16, 32, 64)
MAX_CAPACITY = 4096
"""The largest --capacity: the run's length grows with it, and beyond the caps plotted
(up to 64) a larger channel only shifts every curve."""
DEFAULT_PLOT = "tidegate-sizing.png"
PLOT_EXTRA = "pip install 'tidegate[plot]'"
ABOUT = 0.9
"""A claim of "about X" holds when a stalled consumer is tolerated at least 0.9 X."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate",
        help="check the seed's sizing claims (stall tolerance per cap) in virtual time",
        description="Run the real reader and consumer loops in virtual time: the wire delivers "
        "an item every interval, the consumer stalls (or slows) after a warm-up, and the time "
        "to the reader's disconnect is the tolerance. Checks the seed's claims (cap 8 at 250 ms "
        "about 2 s; cap 32 at 6,000 events/s about 5 ms) and shows tolerance against cap. "
        "Exit codes: 0 the claims hold, 1 a claim does not, 2 usage error.",
    )
    p.add_argument(
        "--capacity",
        type=number(int, minimum=1, maximum=MAX_CAPACITY),
        default=1,
        help="the bounded channel's capacity (the seed does not give it; default 1, the "
        "smallest, which is closest to the claims' arithmetic)",
    )
    p.add_argument(
        "--slow-ratio",
        type=number(float, above=0, below=1),
        default=0.5,
        help="a slow consumer's speed as a fraction of the arrival rate, between 0 and 1 "
        "(default 0.5)",
    )
    p.add_argument(
        "--variant", choices=[v.value for v in Variant], default="seed", help="queue algorithm"
    )
    p.add_argument(
        "--plot",
        metavar="PNG",
        type=image_file,
        help=f"where to write the tolerance-against-cap plot (.png, .svg or .pdf); needs "
        f"matplotlib ({PLOT_EXTRA}). Default: {DEFAULT_PLOT} when matplotlib is installed, "
        "else the table only",
    )
    p.add_argument("--no-plot", action="store_true", help="print the table only")
    p.set_defaults(run=run_simulate)


def run_simulate(args: argparse.Namespace) -> Verdict:
    console = make_console()
    plotting = importlib.util.find_spec("matplotlib") is not None
    if args.plot is not None and not args.no_plot and not plotting:
        raise TidegateError(f"--plot needs matplotlib, which is not installed: {PLOT_EXTRA}")
    plot: Path | None = None
    if not args.no_plot:
        plot = args.plot if args.plot is not None else Path(DEFAULT_PLOT) if plotting else None
    variant = Variant(args.variant)
    ratio = args.slow_ratio
    console.print(
        f"tidegate simulate: real tidegate.impl loops in virtual time, variant {variant.value}, "
        f"channel capacity {args.capacity}; after {WARMUP_ITEMS} items the consumer stalls "
        f"(never finishes its item) or slows to {ratio:.0%} of the arrival rate"
    )
    claims = Table(title="The seed's claims", title_justify="left")
    for column in (
        "claim",
        "stalled",
        "(capacity+cap+1) intervals",
        f"slow {ratio:.0%}",
        "verdict",
    ):
        claims.add_column(column)
    failed = False
    for claim in CLAIMS:
        stalled = measure(claim.cap, args.capacity, claim.interval, "stalled", variant=variant)
        slow = measure(
            claim.cap, args.capacity, claim.interval, "slow", slow_ratio=ratio, variant=variant
        )
        holds = stalled.tolerance >= ABOUT * claim.claimed
        failed |= not holds
        verdict = "holds" if holds else "DOES NOT HOLD"
        claims.add_row(
            f"{claim.name}: {claim.text}",
            _secs(stalled.tolerance),
            _secs(predicted_stall(claim.cap, args.capacity, claim.interval)),
            _secs(slow.tolerance),
            f"{verdict} ({stalled.tolerance / claim.claimed:.2f}x the claim)",
        )
    console.print(claims)
    curves = _curves(args.capacity, ratio, variant)
    console.print(_table(curves))
    if plot is not None:
        try:
            _plot(console, curves, plot)
        except OSError as exc:
            raise TidegateError(f"cannot write the plot to {plot}: {exc}") from None
    elif not args.no_plot:
        console.print(f"matplotlib is not installed ({PLOT_EXTRA}): table only", markup=False)
    overall = Verdict.FAIL if failed else Verdict.PASS
    console.print(
        f"{'a claim does NOT hold' if failed else 'both claims hold'} "
        f"(exit {int(exit_code(overall))})"
    )
    return overall


Curves = dict[tuple[str, str], list[float]]


def _curves(capacity: int, ratio: float, variant: Variant) -> Curves:
    out: Curves = {}
    for claim in CLAIMS:
        for mode in ("stalled", "slow"):
            out[(claim.name, mode)] = [
                measure(
                    cap, capacity, claim.interval, mode, slow_ratio=ratio, variant=variant
                ).tolerance
                for cap in CURVE_CAPS
            ]
    return out


def _table(curves: Curves) -> Table:
    table = Table(title="Tolerance against cap", title_justify="left")
    table.add_column("cap", justify="right")
    for name, mode in curves:
        table.add_column(f"{name} {mode}", justify="right")
    for i, cap in enumerate(CURVE_CAPS):
        table.add_row(str(cap), *(_secs(values[i]) for values in curves.values()))
    return table


def _plot(console: object, curves: Curves, path: Path) -> None:
    from rich.console import Console

    assert isinstance(console, Console)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(CLAIMS), figsize=(11, 4.2))
    for ax, claim in zip(axes, CLAIMS, strict=True):
        _panel(ax, claim, curves)
    fig.suptitle("Stall tolerance against backlog cap (tidegate simulate, virtual time)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    console.print(f"plot written to {path}", markup=False)


def _panel(ax: object, claim: Claim, curves: Curves) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    unit, scale = ("s", 1.0) if claim.claimed >= 1 else ("ms", 1000.0)
    for mode in ("stalled", "slow"):
        values = [v * scale for v in curves[(claim.name, mode)]]
        ax.plot(CURVE_CAPS, values, marker="o", label=f"{mode} consumer")
    ax.scatter([claim.cap], [claim.claimed * scale], color="red", zorder=5, label="seed's claim")
    ax.set_xscale("symlog", base=2)
    ax.set_xlabel("backlog cap")
    ax.set_ylabel(f"tolerance ({unit})")
    ax.set_title(f"{claim.name}: one item every {_secs(claim.interval)}")
    ax.legend()
    ax.grid(True, alpha=0.3)


def _secs(value: float) -> str:
    if math.isinf(value):
        return "never"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.3g} ms"
