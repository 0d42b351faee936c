"""The demo chain's day: what demo-traffic sends, checked against what the bot and the sales API take."""

import json
import random
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from bot.events import ContactAdded, FollowUserDeleted, TemplateCardEvent, TextMessage, parse_event
from config.demo_day import ROUND, Callback, DemoDay, DemoGuide, Kind, OpenTask, SaleLine
from tasks.schemas import SaleIn
from tests.support.clock import FakeClock

GUIDES = [DemoGuide(userid=f"guide{n:03d}", store=f"SH{n % 5 + 1:02d}") for n in range(300)]
SHARE_TASK = OpenTask(id=7, kind="share_post", guides=("guide001", "guide002"))
TEXTS = {Kind.SALES_REPORT, Kind.CHEER}


def demo_day(tasks=(SHARE_TASK,), seed: int = 8) -> DemoDay:
    clock = FakeClock(datetime(2026, 5, 1, 6, 30, tzinfo=UTC))
    return DemoDay(GUIDES, tasks, clock, corp_id="ww-guidebot-demo", rng=random.Random(seed))


def deal(day: DemoDay, n: int) -> list[Callback | SaleLine]:
    return [day.next() for _ in range(n)]


def test_once_customers_and_sales_exist_every_twenty_items_hold_each_kind_in_its_share():
    day = demo_day()
    deal(day, 20)

    assert Counter(item.kind for item in deal(day, 20)) == ROUND


def test_without_a_task_open_today_no_card_is_tapped():
    day = demo_day(tasks=())

    assert Kind.CARD_TAP not in {item.kind for item in deal(day, 200)}
    assert Kind.CARD_TAP not in day.kinds


def test_card_taps_come_from_the_guides_holding_the_tasks_card():
    taps = [parse_event(item.xml) for item in deal(demo_day(), 200) if item.kind is Kind.CARD_TAP]

    assert taps
    assert {type(tap) for tap in taps} == {TemplateCardEvent}
    assert {tap.from_user for tap in taps} <= set(SHARE_TASK.guides)
    assert {tap.event_key.split(":")[1] for tap in taps} == {"7"}
    assert {tap.event_key.split(":")[0] for tap in taps} <= {"go", "done", "progress"}


@pytest.mark.parametrize(
    ("kind", "event_type"),
    [(Kind.NEW_FAN, ContactAdded), (Kind.REPEAT_FAN, ContactAdded), (Kind.LOST_FAN, FollowUserDeleted),
     (Kind.SALES_REPORT, TextMessage), (Kind.CHEER, TextMessage)],
)  # fmt: skip
def test_each_callback_is_the_event_the_bot_handles(kind, event_type):
    events = [parse_event(item.xml) for item in deal(demo_day(), 200) if item.kind is kind]

    assert events
    assert {type(event) for event in events} == {event_type}


def test_a_new_friend_carries_a_welcome_code():
    added = [parse_event(item.xml) for item in deal(demo_day(), 100) if item.kind is Kind.NEW_FAN]

    assert all(event.welcome_code for event in added)


def test_guides_report_sales_and_cheer_in_the_chat_commands_guides_use():
    texts = {item.kind: parse_event(item.xml).content for item in deal(demo_day(), 100) if item.kind in TEXTS}

    assert re.fullmatch(r"业绩 [1-9][0-9]* [1-9][0-9]*", texts[Kind.SALES_REPORT])
    assert texts[Kind.CHEER].startswith("加油 ")


def test_every_chat_message_has_its_own_msg_id_so_none_is_taken_for_a_retry():
    ids = [parse_event(item.xml).msg_id for item in deal(demo_day(), 400) if item.kind in TEXTS]

    assert len(set(ids)) == len(ids)


def test_a_lost_fan_is_a_customer_this_run_added_to_that_guide():
    added, lost = set(), []
    for item in deal(demo_day(), 400):
        if isinstance(item, Callback) and item.kind in (Kind.NEW_FAN, Kind.REPEAT_FAN, Kind.LOST_FAN):
            event = parse_event(item.xml)
            pair = (event.user_id, event.external_user_id)
            if item.kind is Kind.LOST_FAN:
                lost.append(pair)
            else:
                added.add(pair)

    assert lost
    assert set(lost) <= added


def test_a_repeat_fan_is_a_customer_another_guide_added_first():
    first_guide = {}
    repeats = []
    for item in deal(demo_day(), 400):
        if item.kind in (Kind.NEW_FAN, Kind.REPEAT_FAN):
            event = parse_event(item.xml)
            if item.kind is Kind.NEW_FAN:
                first_guide[event.external_user_id] = event.user_id
            else:
                repeats.append((event.user_id, first_guide.get(event.external_user_id)))

    assert repeats
    assert all(first is not None and guide != first for guide, first in repeats)


def test_every_sales_line_is_one_the_sales_api_takes():
    lines = [item.line for item in deal(demo_day(), 400) if isinstance(item, SaleLine)]

    assert {SaleIn.model_validate_json(json.dumps(line)).channel for line in lines} == {"store", "online", "share"}


def test_a_refund_takes_back_a_whole_sale_of_this_run_once():
    sales, refunds = {}, []
    for item in deal(demo_day(), 600):
        if item.kind is Kind.SALE:
            sales[item.line["order_id"]] = item.line
        elif item.kind is Kind.REFUND:
            refunds.append(item.line)

    assert refunds
    assert len({refund["refund_of"] for refund in refunds}) == len(refunds)
    for refund in refunds:
        sale = sales[refund["refund_of"]]
        assert (refund["amount"], refund["orders"]) == (f"-{sale['amount']}", -sale["orders"])


def test_sales_happen_on_the_business_days_wall_clock():
    [sale, *_] = [item.line for item in deal(demo_day(), 40) if item.kind is Kind.SALE]

    assert sale["sold_at"] == "2026-05-01T14:30:00+08:00"


def test_a_few_guides_do_most_of_the_business_so_the_board_has_leaders():
    sellers = Counter(item.line["guide"] for item in deal(demo_day(), 4000) if item.kind is Kind.SALE)
    top_tenth = sum(count for _, count in sellers.most_common(len(GUIDES) // 10))

    assert top_tenth > 0.3 * sellers.total()
