"""The `tidegate` command line, built from each capability's `cli.register`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tidegate.proofs import verify
from tidegate.proofs.conform import cli as conform
from tidegate.proofs.core import ExitCode
from tidegate.proofs.explore import cli as explore
from tidegate.proofs.interleave import cli as interleave
from tidegate.proofs.protocol import cli as protocol
from tidegate.proofs.recordings import cli as recordings
from tidegate.proofs.simulate import cli as simulate

# Each module here provides register(subparsers); a new capability adds its cli here.
COMMANDS = (verify, recordings, protocol, conform, explore, interleave, simulate)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USAGE), f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tidegate",
        description="Formal model and reference implementation of the reader-side "
        "backpressure queue: verify it, check ports against it.",
        epilog="exit codes: 0 holds, 1 failed or diverged, 2 usage or adapter error, "
        "3 inconclusive (budget ran out; not a pass)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see `ExitCode`)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return int(ExitCode.INCONCLUSIVE)


if __name__ == "__main__":
    sys.exit(main())
