"""Command-line values that name files and folders, checked before a run starts.

Each function here is an argparse `type` (numbers have theirs: `tidegate.proofs.cli.number`):
it returns the value, or raises `argparse.ArgumentTypeError` with a message naming
the value and the rule, which argparse prints as `tidegate CMD: error: argument
--FLAG: MESSAGE` (exit 2). A path is checked against the file system as well (its
folder exists, it can be written), so that a mistake is reported at once, never
after a long run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def output_file(text: str) -> Path:
    """A file this run may create or overwrite: not empty, not a folder, in a folder that
    exists; and it can be opened for writing now (tried, so that a read-only file system
    or a pseudo-file system such as /sys is found out too; a file created by the trial is
    removed again)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no file")
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder, not a file")
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {str(folder)!r} of {text!r} does not exist")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} cannot be written ({exc.strerror or exc})"
        ) from None
    if not existed:
        with contextlib.suppress(OSError):
            path.unlink()
    return path


def image_file(text: str) -> Path:
    """An `output_file` whose suffix names an image format the plot can be written in."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no file")
    if Path(text).suffix.lower() not in IMAGE_SUFFIXES or not Path(text).stem:
        raise argparse.ArgumentTypeError(
            f"{text!r} must end in {', '.join(IMAGE_SUFFIXES)} (the suffix chooses the format)"
        )
    return output_file(text)


IMAGE_SUFFIXES = (".png", ".svg", ".pdf")


def output_folder(text: str) -> Path:
    """A folder this run may create or write into: not empty, not a file, with a parent
    folder that exists and can be written when it is to be created."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no folder")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"the folder {text!r} cannot be written")
    if not path.exists():
        parent = path.parent
        if not parent.is_dir():
            raise argparse.ArgumentTypeError(
                f"the folder {str(parent)!r} of {text!r} does not exist"
            )
        if not os.access(parent, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(
                f"the folder {str(parent)!r} of {text!r} cannot be written"
            )
    return path


def nonempty(flag: str) -> Callable[[str], str]:
    """A value that must say something: not empty, not only spaces."""

    def parse(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"{flag} needs a value, got an empty one")
        return value

    return parse
