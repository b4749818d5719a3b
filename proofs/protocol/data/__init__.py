"""What tidegate ships as ground truth: the seed's 600 recordings on tokio 1.24.2
(`RECORDINGS`) and the protocol they follow (`PROTOCOL`), both copied byte-identical
from the project's shared folder."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

RECORDINGS = "conformance-tokio-traces.jsonl"
PROTOCOL = "PROTOCOL.md"


def shipped(name: str) -> Traversable:
    """The shipped file `name` (`RECORDINGS` or `PROTOCOL`), wherever tidegate is installed."""
    return resources.files(__name__).joinpath(name)
