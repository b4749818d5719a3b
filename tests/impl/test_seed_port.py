"""The seed's ten unit tests on the asyncio implementation, and proof each can fail."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import seed_cases as seed
from tests.support.broken_queues import BREAKS
from tidegate.impl import BackpressureQueue


def test_empty_queue_sends_directly() -> None:
    asyncio.run(seed.empty_queue_sends_directly(BackpressureQueue))


def test_full_channel_spills_to_backlog() -> None:
    asyncio.run(seed.full_channel_spills_to_backlog(BackpressureQueue))


def test_cap_exceeded_returns_queue_full() -> None:
    asyncio.run(seed.cap_exceeded_returns_queue_full(BackpressureQueue))


def test_closed_channel_returns_closed_error() -> None:
    asyncio.run(seed.closed_channel_returns_closed_error(BackpressureQueue))


def test_order_preserved_with_backlog() -> None:
    asyncio.run(seed.order_preserved_with_backlog(BackpressureQueue))


def test_drain_when_channel_still_full_returns_false() -> None:
    asyncio.run(seed.drain_when_channel_still_full_returns_false(BackpressureQueue))


def test_cap_zero_immediately_overflows_on_full_channel() -> None:
    asyncio.run(seed.cap_zero_immediately_overflows_on_full_channel(BackpressureQueue))


def test_drain_on_empty_backlog_is_noop() -> None:
    asyncio.run(seed.drain_on_empty_backlog_is_noop(BackpressureQueue))


def test_drain_propagates_closed_channel() -> None:
    asyncio.run(seed.drain_propagates_closed_channel(BackpressureQueue))


def test_has_pending_tracks_backlog_state() -> None:
    asyncio.run(seed.has_pending_tracks_backlog_state(BackpressureQueue))


def test_every_seed_case_is_ported_and_wrapped() -> None:
    names = {case.__name__ for case in seed.SEED_CASES}
    assert len(names) == 10
    assert names == set(BREAKS)
    assert all(f"test_{name}" in globals() for name in names)


@pytest.mark.parametrize("case", seed.SEED_CASES, ids=lambda case: case.__name__)
def test_seed_case_fails_on_its_broken_queue(case: seed.SeedCase) -> None:
    broken = BREAKS[case.__name__]
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        asyncio.run(case(broken))
