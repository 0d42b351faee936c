"""The coin ledger: append-only, exactly once per source, never below zero."""

import asyncio
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.clock import SystemClock
from rewards.ledger import CoinLedger, InsufficientCoins
from rewards.models import CoinEntry


@pytest.fixture
def ledger(event_bus) -> CoinLedger:
    return CoinLedger(event_bus, SystemClock())


async def test_an_award_adds_to_the_balance(ledger):
    await ledger.post("zhangsan", 50, "任务完成", source_type="task", source_id="1:1")

    assert await ledger.balance("zhangsan") == 50


async def test_the_same_source_twice_pays_once(ledger):
    for _ in range(3):
        await ledger.post("zhangsan", 50, "任务完成", source_type="task", source_id="1:1")

    assert await ledger.balance("zhangsan") == 50
    assert await CoinEntry.all().count() == 1


async def test_concurrent_posts_of_one_source_pay_once(ledger):
    await asyncio.gather(*(ledger.post("zhangsan", 50, "x", source_type="task", source_id="1:1") for _ in range(20)))

    assert await ledger.balance("zhangsan") == 50


async def test_a_debit_beyond_the_balance_is_refused_and_writes_nothing(ledger):
    await ledger.post("zhangsan", 30, "奖励", source_type="task", source_id="1")

    with pytest.raises(InsufficientCoins):
        await ledger.post("zhangsan", -50, "兑换", source_type="redemption", source_id="1")

    assert await ledger.balance("zhangsan") == 30
    assert await CoinEntry.all().count() == 1


async def test_a_reversal_is_a_new_entry_with_its_reason(ledger):
    award = await ledger.post("zhangsan", 50, "任务完成", source_type="task", source_id="1")

    reversal = await ledger.reverse(award, "删粉收回")

    assert (reversal.amount, reversal.reason) == (-50, "删粉收回")
    assert [e.amount for e in await CoinEntry.all().order_by("id")] == [50, -50]


async def test_a_reversal_of_spent_coins_takes_back_only_what_is_left(ledger):
    award = await ledger.post("zhangsan", 50, "任务完成", source_type="task", source_id="1")
    await ledger.post("zhangsan", -40, "兑换", source_type="redemption", source_id="1")

    reversal = await ledger.reverse(award, "删粉收回")

    assert reversal.amount == -10
    assert "余额不足" in reversal.reason
    assert await ledger.balance("zhangsan") == 0


examples = itertools.count()
operations = st.lists(
    st.tuples(st.sampled_from(["award", "reverse", "redeem"]), st.integers(min_value=1, max_value=200)),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
async def test_any_interleaving_keeps_balance_equal_to_the_entries_and_never_negative(ledger, steps):
    guide = f"guide-{next(examples)}"  # the database outlives one example
    awards = []
    for n, (op, amount) in enumerate(steps):
        if op == "award":
            awards.append(await ledger.post(guide, amount, "奖励", source_type="task", source_id=str(n)))
        elif op == "reverse" and awards:
            await ledger.reverse(awards[amount % len(awards)], "收回")
        elif op == "redeem":
            try:
                await ledger.post(guide, -amount, "兑换", source_type="redemption", source_id=str(n))
            except InsufficientCoins:
                pass
        balance = await ledger.balance(guide)
        assert balance == await ledger.sum_of_entries(guide)
        assert balance >= 0
