"""The hand-poll driver: a coroutine stepped only when the future it waits on is done."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.aio import run
from tidegate.impl import Notify, PolledAfterCompletion, Ready, Spawned


def test_spawned_polls_only_when_woken_and_refuses_to_poll_a_finished_future() -> None:
    async def scenario() -> None:
        notify = Notify()
        waiting = Spawned(notify.notified())
        assert waiting.is_woken() and waiting.poll() is None
        assert not waiting.is_woken() and waiting.poll() is None
        notify.notify_one()
        assert waiting.is_woken()
        assert waiting.poll() == Ready(None) and waiting.done
        with pytest.raises(PolledAfterCompletion):
            waiting.poll()

        async def yields_once() -> int:
            await asyncio.sleep(0)  # a bare yield: asks to run again at once
            return 7

        spawned = Spawned(yields_once())
        assert spawned.poll() is None and spawned.is_woken()
        assert spawned.poll() == Ready(7)

    run(scenario)
