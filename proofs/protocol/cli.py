"""`tidegate serve`: the model or the implementation as a PROTOCOL.md adapter on stdio."""

from __future__ import annotations

import argparse
import sys

from tidegate.proofs.core import ExitCode
from tidegate.proofs.protocol.serve import serve


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="answer PROTOCOL.md operations on stdin/stdout (the reference adapter)",
        description="Serve the model or the asyncio implementation as a PROTOCOL.md "
        "adapter: one JSON operation per input line, one JSON answer per output line, "
        "until input ends. Example: tidegate conform --adapter 'tidegate serve --subject impl'",
    )
    p.add_argument(
        "--subject", choices=["model", "impl"], default="model", help="what answers (default model)"
    )
    p.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    try:
        serve(args.subject, sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:
        # The checker went away mid-answer: nobody is left to read anything.
        return int(ExitCode.OK)
    return int(ExitCode.OK)
