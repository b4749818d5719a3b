"""What tidegate ships as ground truth: the seed's recordings on tokio 1.24.2, 600 of
v1 operations (`RECORDINGS`) and 600 mixing them with tasks (`TASK_RECORDINGS`), and
the protocol they follow (`PROTOCOL`), all copied byte-identical from the project's
shared folder."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

RECORDINGS = "conformance-tokio-traces.jsonl"
TASK_RECORDINGS = "conformance-tokio-task-traces.jsonl"
PROTOCOL = "PROTOCOL.md"


def shipped(name: str) -> Traversable:
    """The shipped file `name` (`RECORDINGS`, `TASK_RECORDINGS` or `PROTOCOL`), wherever
    tidegate is installed."""
    return resources.files(__name__).joinpath(name)
