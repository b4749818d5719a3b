"""The `tidegate` program's first moments: Ctrl-C is handled before anything is imported.

Python raises KeyboardInterrupt wherever it is when Ctrl-C comes, importing modules
included, and prints the traceback. `main` installs, before it imports the command
line (rich, hypothesis, CrossHair's plugins: a second or so on a busy machine), a
handler that ends the program with `interrupted` and exit 3 instead; the command
line then installs its own (`tidegate.proofs.cli.run`).
"""

from __future__ import annotations

import os
import signal
from types import FrameType


def _too_early(number: int, frame: FrameType | None) -> None:
    os.write(2, b"interrupted\n")
    os._exit(3)  # nothing started yet: no child to end, no output to flush


def enter() -> None:
    """Run the `tidegate` command line (see `tidegate.proofs.cli.run`)."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _too_early)
    from tidegate.proofs.cli import run

    run()
