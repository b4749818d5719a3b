"""The ghost ledger and the property catalogue, on model runs and on broken histories."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tidegate import model
from tidegate.model import CLOSED, EMPTY, OK, Ok, Op, OpName, ReceiverState
from tidegate.proofs.differential.ledger import Ledger
from tidegate.proofs.explore.properties import CATALOGUE, OTHER_BASE, Moment
from tidegate.proofs.protocol.subjects import ModelRunner


def enq(item: int) -> Op:
    return Op(OpName.ENQUEUE_OR_SEND, item)


def run_with_ledger(capacity: int, cap: int, ops: list[Op]) -> tuple[ModelRunner, Ledger]:
    runner, ledger = ModelRunner(), Ledger()
    runner.reset(capacity, cap)
    for op in ops:
        lost = len(runner.discarded)
        answer = runner.apply(op)
        ledger.record(op, answer, runner.discarded[lost:])
    return runner, ledger


def problems(runner: ModelRunner, ledger: Ledger) -> list[str]:
    view = runner.view()
    return ledger.problems(view.buffer, view.backlog)


def test_ledger_balances_through_every_kind_of_loss() -> None:
    ops = [
        enq(1),
        enq(2),
        enq(3),  # 1 sent, 2 and 3 spilled
        Op(OpName.TRY_RECV),
        Op(OpName.TRY_DRAIN_ONE),  # 1 received, 2 sent
        Op(OpName.TRY_SEND, 1001),  # Full: never accepted
        Op(OpName.DROP_RECEIVER),  # 2 discarded from the channel
        Op(OpName.TRY_DRAIN_ONE),  # 3 lost to a Closed drain
    ]
    runner, ledger = run_with_ledger(1, 2, ops)
    assert problems(runner, ledger) == []
    assert ledger.received == [1]
    assert ledger.dropped == [2]
    assert ledger.lost_to_closed_drain == [3]
    assert ledger.accepted == [1, 2, 3]


def test_ledger_catches_an_item_gone_missing() -> None:
    runner, ledger = run_with_ledger(1, 2, [enq(1), enq(2)])
    # A subject whose backlog forgot item 2, yet answered as the model did.
    found = ledger.problems(runner.view().buffer, ())
    assert found == ["item 2, accepted with ok, is in 0 places: it must be in exactly one"]


def test_ledger_catches_an_item_in_two_places() -> None:
    _, ledger = run_with_ledger(1, 2, [enq(1), enq(2)])
    found = ledger.problems((1,), (2, 1))
    assert any(
        "item 1, accepted with ok, is in 2 places (the backlog, the channel)" in p for p in found
    )


def test_ledger_catches_an_invented_item() -> None:
    _, ledger = run_with_ledger(2, 2, [enq(1)])
    found = ledger.problems((1, 77), ())
    assert "item 77 is in the channel but was never accepted with ok" in found


def test_ledger_refuses_a_discard_by_another_operation() -> None:
    ledger = Ledger()
    ledger.record(enq(1), OK, ())
    ledger.record(Op(OpName.TRY_RECV), EMPTY, (1,))
    found = ledger.problems((), ())
    assert found[0].startswith("try_recv answered err Empty and discarded [1]")


def test_ledger_catches_reordering() -> None:
    runner, ledger = run_with_ledger(1, 2, [enq(1), enq(2), enq(3), Op(OpName.TRY_RECV)])
    assert problems(runner, ledger) == []
    found = ledger.problems((), (3, 2))  # the backlog turned around
    assert any("out of order" in p for p in found)


def test_closed_drain_discard_is_accounted_not_lost() -> None:
    ledger = Ledger()
    ledger.record(enq(5), OK, ())
    ledger.record(Op(OpName.TRY_DRAIN_ONE), CLOSED, (5,))
    assert ledger.problems((), ()) == []


# ---- the catalogue on random model runs beyond the exhaustive bounds ---------------------

ACTIONS = st.sampled_from(["enqueue", "enqueue", "send", "drain", "recv", "recv", "close", "drop"])


@given(
    capacity=st.integers(1, 64),
    cap=st.one_of(st.sampled_from([8, 32]), st.integers(0, 64)),
    actions=st.lists(ACTIONS, max_size=200),
)
def test_catalogue_invariants_hold_on_random_runs(
    capacity: int, cap: int, actions: list[str]
) -> None:
    s, queued, others = model.new(capacity, cap), 0, 0
    invariants = [p for p in CATALOGUE if p.kind.value == "invariant"]
    ledger = Ledger()
    for action in actions:
        dropped = s.channel.receiver is ReceiverState.DROPPED
        if action == "enqueue":
            queued += 1
            op = enq(queued)
        elif action == "send":
            op = Op(OpName.TRY_SEND, OTHER_BASE + others)
            others += 1
        elif action == "drain":
            op = Op(OpName.TRY_DRAIN_ONE)
        elif dropped:
            continue  # PROTOCOL.md issues no receiver operation after drop_receiver
        else:
            op = Op(
                {"recv": OpName.TRY_RECV, "close": OpName.CLOSE, "drop": OpName.DROP_RECEIVER}[
                    action
                ]
            )
        t = model.apply(s, op)
        moment = Moment(s, op, t)
        for prop in invariants:
            assert prop.on_state is None or prop.on_state(t.state), prop.name
            assert prop.on_step is None or prop.on_step(moment), prop.name
        ledger.record(op, t.answer, t.discarded)
        assert ledger.problems(t.state.channel.buffer, t.state.queue.backlog) == []
        s = t.state


def test_received_item_is_an_ok_answer_with_an_int() -> None:
    # Ok(True) from try_drain_one must never be mistaken for item 1 being received.
    ledger = Ledger()
    ledger.record(enq(1), OK, ())
    ledger.record(Op(OpName.TRY_DRAIN_ONE), Ok(True), ())
    assert ledger.received == []


def test_ledger_names_every_place_an_item_is_or_should_not_be() -> None:
    """Mutation: kills differential.ledger's Ledger.record, problems and _order_problems
    mutants (a place misnamed or not counted, a discard or a receive misfiled, an item
    accepted twice, order judged on the other producer's items)."""
    ledger = Ledger()
    ledger.record(enq(1), OK, ())
    ledger.record(enq(2), OK, ())
    ledger.record(Op(OpName.TRY_SEND, 50), OK, ())
    ledger.record(Op(OpName.TRY_SEND, 51), Ok(None), ())
    ledger.record(Op(OpName.TRY_RECV), Ok(1), ())
    ledger.record(Op(OpName.TRY_RECV), Ok(6), ())
    ledger.record(Op(OpName.TRY_RECV), Ok(False), ())
    ledger.record(Op(OpName.TRY_DRAIN_ONE), CLOSED, (8,))
    ledger.record(Op(OpName.DROP_RECEIVER), OK, (7,))
    assert (ledger.accepted, ledger.queue_accepted) == ([1, 2, 50, 51], [1, 2])
    assert (ledger.received, ledger.lost_to_closed_drain, ledger.dropped) == ([1, 6], [8], [7])
    assert ledger.problems((1, 51), (1,)) == [
        "item 1, accepted with ok, is in 3 places (the backlog, the channel, received): it "
        "must be in exactly one",
        "item 2, accepted with ok, is in 0 places: it must be in exactly one",
        "item 50, accepted with ok, is in 0 places: it must be in exactly one",
        "item 6 is in received but was never accepted with ok",
        "item 7 is in discarded by drop_receiver but was never accepted with ok",
        "item 8 is in discarded by a Closed try_drain_one but was never accepted with ok",
    ]
    twice = Ledger()
    twice.record(enq(3), OK, ())
    twice.record(Op(OpName.TRY_SEND, 3), OK, ())
    assert twice.problems((3,), ()) == [
        "item 3, accepted with ok, is in 1 places (the channel): it must be in exactly one"
    ]


def test_ledger_judges_the_order_of_the_queue_items_only() -> None:
    """Mutation: kills differential.ledger._order_problems mutants (order judged on the
    other producer's items, or with the discarded items counted)."""
    ledger = Ledger()
    for op in [enq(1), Op(OpName.TRY_SEND, 50), enq(2), enq(3), enq(4)]:
        ledger.record(op, OK, ())
    ledger.record(Op(OpName.TRY_RECV), Ok(1), ())
    ledger.record(Op(OpName.TRY_DRAIN_ONE), CLOSED, (2,))
    assert ledger.problems((50, 3), (4,)) == []
    assert ledger.problems((3, 50), (4,)) == []
    assert ledger.problems((50, 4), (3,)) == [
        "the queue's items out of order: accepted (less those discarded) [1, 3, 4], but "
        "received + channel + backlog hold [1, 4, 3]"
    ]
