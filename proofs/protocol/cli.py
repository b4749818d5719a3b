"""`tidegate serve`: the model or the implementation as a PROTOCOL.md adapter on stdio; and
`tidegate protocol`: where the PROTOCOL.md shipped with tidegate is (`--print`: its text)."""

from __future__ import annotations

import argparse
import contextlib
import sys

from tidegate.proofs.core import Verdict
from tidegate.proofs.protocol.data import PROTOCOL, shipped
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
    p = sub.add_parser(
        "protocol",
        help="print the path of the PROTOCOL.md shipped with tidegate (--print: its text)",
        description="PROTOCOL.md, the contract between tidegate and an adapter (operations, "
        "answers, trace files, request errors), ships inside the package beside the "
        "recordings. Prints its path, or with --print its text.",
    )
    p.add_argument("--print", action="store_true", help="print the text instead of the path")
    p.set_defaults(run=run_protocol)


def run_serve(args: argparse.Namespace) -> Verdict:
    """Serve until input ends; PASS, as serving concludes nothing."""
    # The checker may go away mid-answer: nobody is then left to read anything.
    with contextlib.suppress(BrokenPipeError):
        serve(args.subject, sys.stdin.buffer, sys.stdout.buffer)
    return Verdict.PASS


def run_protocol(args: argparse.Namespace) -> Verdict:
    """Print the shipped PROTOCOL.md's path, or its text; PASS."""
    document = shipped(PROTOCOL)
    if args.print:
        sys.stdout.write(document.read_text(encoding="utf-8"))
    else:
        print(document)
    return Verdict.PASS
