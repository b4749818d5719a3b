"""The bounds the explorer proves at, and what each variant must show there.

DEFAULT_SCENARIOS is the set `tidegate interleave` explores exhaustively by
default, for the seed and for each of our variants (what `tidegate verify`
explores per profile is in `tidegate.proofs.profiles`). Each scenario is there for
one reason: wire-only with a tight cap (disconnect with room), a consumer that
drops its receiver (every loss reported), three slots and three backlog items
(pings coalesce), another producer competing for the slot (starvation), the
consumer's faults (processing that raises, a stop and a close at any point
between two items: every item still placed, every wake-up still delivered), and a
cancellation of any one task at any await, with a producer whose parked send may be
cancelled holding a reserved slot (the slot it gives back goes unannounced).
"""

from __future__ import annotations

from dataclasses import replace

from tidegate.impl.variants import Variant
from tidegate.proofs.interleave.properties import Finding
from tidegate.proofs.interleave.world import Scenario

DEFAULT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario.parse("capacity=1,cap=1,wire=3"),
    Scenario.parse("capacity=1,cap=2,wire=3,stop=2"),
    Scenario.parse("capacity=3,cap=3,wire=6"),
    Scenario.parse("capacity=1,cap=1,wire=2,producers=2"),
    Scenario.parse("capacity=1,cap=2,wire=3,faults=E+S+X"),
    Scenario.parse("capacity=1,cap=1,wire=2,producers=1,stop=1,faults=K"),
)

SEED_FINDINGS = (
    Finding.DISCONNECT_WITH_ROOM,
    Finding.STARVED,
    Finding.COALESCED,
    Finding.STRANDED,
    Finding.CANCELLED_SLOT,
)
"""What the seed is expected to show at the default bounds."""

REMOVED_BY = {
    Variant.SEED: (),
    Variant.DRAIN_FIRST: (Finding.DISCONNECT_WITH_ROOM,),
    Variant.DRAIN_FIRST_ALL: (Finding.DISCONNECT_WITH_ROOM, Finding.COALESCED),
}
"""The findings each variant claims to remove: showing one of them is a failure."""


def with_variant(scenarios: tuple[Scenario, ...], variant: Variant) -> tuple[Scenario, ...]:
    """The same bounds under another variant."""
    return tuple(replace(s, variant=variant) for s in scenarios)
