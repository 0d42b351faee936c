"""The outbox: a row first, sent once, batched to 1000, paced to the per-member budget, resumed after a crash."""

import asyncio

import aiohttp
import pytest
import redis

from bot.metrics import BotMetrics
from bot.models import OutboxMessage, OutboxStatus
from bot.outbox import MESSAGE_SEND, Outbox
from bot.replies import Reply
from bot.wecom.budget import SendBudget
from bot.wecom.client import WeComClient
from tests.support.clock import FakeClock
from tests.support.wecom import AGENT_ID, CORP_ID, SECRET

HELLO = Reply.text("你好").message_body()


@pytest.fixture
def clock(fake_wecom):
    clock = FakeClock()
    fake_wecom.clock = lambda: clock.now().timestamp()
    return clock


@pytest.fixture
async def make_outbox(db, redis, fake_wecom, clock):
    session = aiohttp.ClientSession()

    def make(**kwargs) -> Outbox:
        client = WeComClient(session, redis, base_url=fake_wecom.base_url, corp_id=CORP_ID, secret=SECRET,
                             agent_id=AGENT_ID, backoff_base=0.001, max_attempts=2)  # fmt: skip
        return Outbox(client, SendBudget(redis), BotMetrics(), clock=clock, **kwargs)

    yield make
    await session.close()


@pytest.fixture
def outbox(make_outbox) -> Outbox:
    return make_outbox()


async def test_enqueueing_the_same_key_twice_sends_once(outbox, fake_wecom):
    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)
    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)

    await outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 1
    assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == 1


async def test_many_rows_written_at_once_keep_the_first_row_of_each_key_and_send_once(outbox, fake_wecom):
    def digest(guide: str, text: str) -> tuple[str, str, dict]:
        return f"digest:{guide}", MESSAGE_SEND, {"touser": [guide], "body": Reply.text(text).message_body()}

    await outbox.enqueue_message("digest:lisi", ["lisi"], Reply.text("先到").message_body())
    await outbox.enqueue_many([digest("zhangsan", "早安 张三"), digest("lisi", "早安 李四")])
    await outbox.enqueue_many([digest("zhangsan", "又一遍"), digest("wangwu", "早安 王五")])
    await outbox.drain()

    assert [m["text"]["content"] for m in fake_wecom.messages_to("zhangsan")] == ["早安 张三"]
    assert [m["text"]["content"] for m in fake_wecom.messages_to("lisi")] == ["先到"]
    assert [m["text"]["content"] for m in fake_wecom.messages_to("wangwu")] == ["早安 王五"]
    assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == 3


async def test_a_message_to_2500_guides_goes_out_in_three_calls_of_at_most_1000(outbox, fake_wecom):
    guides = [f"guide{n:04d}" for n in range(2500)]

    await outbox.enqueue_message("task:7", guides, HELLO)
    await outbox.drain()

    sends = fake_wecom.calls_to("message/send")
    sizes = sorted(len(call.json["touser"].split("|")) for call in sends)
    assert sizes == [500, 1000, 1000]
    assert {u for call in sends for u in call.json["touser"].split("|")} == set(guides)


async def test_the_31st_message_in_a_minute_waits_and_nothing_is_dropped(outbox, fake_wecom, clock):
    for n in range(31):
        await outbox.enqueue_message(f"reply:{n}", ["zhangsan"], Reply.text(f"第{n}条").message_body(), answer=True)

    await outbox.drain()
    assert len(fake_wecom.messages_to("zhangsan")) == 30
    waiting = await OutboxMessage.get(status=OutboxStatus.PENDING)
    assert waiting.not_before > clock.now()

    clock.advance(seconds=61)
    await outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 31
    assert fake_wecom.dropped == []


async def test_members_over_budget_are_split_off_and_the_rest_sent_now(outbox, fake_wecom, clock):
    for n in range(30):
        await outbox.enqueue_message(f"reply:{n}", ["busy"], HELLO, answer=True)
    await outbox.drain()

    await outbox.enqueue_message("notice", ["busy", "idle"], HELLO)
    await outbox.drain()
    assert len(fake_wecom.messages_to("idle")) == 1
    assert len(fake_wecom.messages_to("busy")) == 30

    clock.advance(seconds=61)
    await outbox.drain()
    assert len(fake_wecom.messages_to("busy")) == 31
    assert fake_wecom.dropped == []


async def test_a_busy_wecom_is_retried_later_and_then_sent(outbox, fake_wecom, clock):
    fake_wecom.fail_next("message/send", errcode=45009, times=2)
    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)

    await outbox.drain()
    row = await OutboxMessage.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "45009" in row.last_error

    clock.advance(minutes=1)
    await outbox.drain()
    assert (await OutboxMessage.get()).status == OutboxStatus.SENT


async def test_a_configuration_error_fails_the_row_with_the_reason_and_stops(outbox, fake_wecom, clock):
    fake_wecom.fail_next("message/send", errcode=60020)
    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)

    await outbox.drain()
    clock.advance(hours=1)
    await outbox.drain()

    row = await OutboxMessage.get()
    assert row.status == OutboxStatus.FAILED
    assert "60020" in row.last_error
    assert len(fake_wecom.calls_to("message/send")) == 1


async def test_a_row_fails_for_good_after_the_attempt_limit(make_outbox, fake_wecom, clock):
    outbox = make_outbox(max_attempts=3)
    fake_wecom.fail_next("message/send", status=502, times=100)
    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)

    for _ in range(5):
        await outbox.drain()
        clock.advance(hours=1)

    assert (await OutboxMessage.get()).status == OutboxStatus.FAILED


async def test_a_send_claimed_by_a_crashed_sender_is_taken_back_after_the_lease(outbox, fake_wecom, clock):
    row = await outbox.enqueue("reply:1", MESSAGE_SEND, {"touser": ["zhangsan"], "body": HELLO})
    await OutboxMessage.filter(id=row.id).update(status=OutboxStatus.SENDING, claimed_at=clock.now())

    await outbox.drain()
    assert fake_wecom.messages_to("zhangsan") == []

    clock.advance(minutes=3)
    await outbox.drain()
    assert len(fake_wecom.messages_to("zhangsan")) == 1


async def test_two_senders_racing_send_each_row_once(make_outbox, fake_wecom):
    first, second = make_outbox(), make_outbox()
    for n in range(40):
        await first.enqueue_message(f"reply:{n}", [f"guide{n}"], HELLO)

    await asyncio.gather(first.drain(), second.drain())

    assert len(fake_wecom.calls_to("message/send")) == 40


async def test_send_now_delivers_an_urgent_row_in_the_callers_task(outbox, fake_wecom):
    code = fake_wecom.issue_welcome_code()
    row = await outbox.enqueue(
        "welcome:1",
        "externalcontact/send_welcome_msg",
        {"welcome_code": code, "text": "欢迎", "link_title": "注册", "link_url": "https://example.com"},
    )

    sent = await outbox.send_now(row)

    assert sent is True
    assert len(fake_wecom.calls_to("externalcontact/send_welcome_msg")) == 1
    assert await outbox.send_now(row) is False


async def test_redis_down_mid_send_leaves_the_row_to_retry(outbox, fake_wecom, clock, monkeypatch):
    async def redis_down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    await outbox.enqueue_message("reply:1", ["zhangsan"], HELLO)
    with monkeypatch.context() as patched:
        patched.setattr(outbox._budget, "reserve", redis_down)
        await outbox.drain()
    row = await OutboxMessage.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)

    clock.advance(minutes=1)
    await outbox.drain()
    assert len(fake_wecom.messages_to("zhangsan")) == 1


async def test_a_row_enqueued_while_a_pass_is_sending_goes_out_without_waiting_for_the_next_poll(
    make_outbox, fake_wecom
):
    outbox = make_outbox(poll_interval=3600)
    fake_wecom.delays["message/send"] = 0.2
    await outbox.enqueue_message("reply:first", ["zhangsan"], HELLO)
    sender = asyncio.create_task(outbox.loop.run())
    try:
        await until(lambda: fake_wecom.calls_to("message/send"))

        await outbox.enqueue_message("reply:second", ["lisi"], HELLO)

        await until(lambda: fake_wecom.messages_to("lisi"))
    finally:
        outbox.loop.stop()
        await sender


async def until(condition, seconds: float = 5.0) -> None:
    """Wait for the sender's own loop (no test drives it) to bring `condition` about."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the sender did not get there in time")


async def test_pushes_leave_headroom_so_a_guides_answer_is_not_held_behind_them(outbox, fake_wecom, clock):
    for n in range(30):
        await outbox.enqueue_message(f"card:{n}", ["zhangsan"], HELLO)
    await outbox.drain()
    pushed = len(fake_wecom.messages_to("zhangsan"))

    await outbox.enqueue_message("reply:1", ["zhangsan"], Reply.text("金币余额：12").message_body(), answer=True)
    await outbox.drain()

    assert pushed == 25
    assert fake_wecom.messages_to("zhangsan")[-1]["text"]["content"] == "金币余额：12"
    assert await OutboxMessage.filter(status=OutboxStatus.PENDING).count() == 5
    assert fake_wecom.dropped == []
