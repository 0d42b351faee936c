from datetime import UTC, datetime

import pytest

from bot.crypto import CallbackRejected
from bot.events import (
    ContactAdded,
    ContactDeleted,
    ContactEdited,
    EnterAgent,
    FollowUserDeleted,
    TemplateCardEvent,
    TextMessage,
    TransferFailed,
    UnknownEvent,
    dedup_key,
    parse_event,
)
from tests.support.wecom import contact_xml, event_xml, text_xml


def test_a_text_message_keeps_its_opaque_string_msgid():
    event = parse_event(text_xml("zhangsan", "任务", msg_id="CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw=="))

    assert isinstance(event, TextMessage)
    assert event.msg_id == "CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw=="
    assert event.content == "任务"
    assert event.create_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change_type", "extra", "model"),
    [
        ("add_external_contact", {"State": "store-0101", "WelcomeCode": "CODE"}, ContactAdded),
        ("add_half_external_contact", {"WelcomeCode": "CODE"}, ContactAdded),
        ("edit_external_contact", {}, ContactEdited),
        ("del_external_contact", {"Source": "DELETE_BY_TRANSFER"}, ContactDeleted),
        ("del_follow_user", {}, FollowUserDeleted),
        ("transfer_fail", {"FailReason": "customer_refused"}, TransferFailed),
    ],
)
def test_each_contact_change_parses_to_its_own_model(change_type, extra, model):
    event = parse_event(contact_xml(change_type, "zhangsan", "wmCUST1", **extra))

    assert type(event) is model
    assert event.kind == "change_external_contact"
    assert (event.user_id, event.external_user_id) == ("zhangsan", "wmCUST1")


def test_an_added_contact_carries_state_and_welcome_code():
    event = parse_event(
        contact_xml("add_external_contact", "zhangsan", "wmCUST1", State="store-0101", WelcomeCode="C1")
    )

    assert (event.state, event.welcome_code) == ("store-0101", "C1")


def test_a_template_card_button_parses():
    event = parse_event(
        event_xml("zhangsan", "template_card_event", EventKey="task_done", TaskId="task-42", ResponseCode="RC")
    )

    assert isinstance(event, TemplateCardEvent)
    assert (event.event_key, event.task_id, event.response_code) == ("task_done", "task-42", "RC")


def test_opening_the_app_parses():
    assert isinstance(parse_event(event_xml("zhangsan", "enter_agent")), EnterAgent)


def test_an_unmodelled_change_type_is_unknown_not_an_error():
    event = parse_event(contact_xml("brand_new_change", "zhangsan", "wmCUST1"))

    assert isinstance(event, UnknownEvent)
    assert event.fields["ChangeType"] == "brand_new_change"


def test_an_event_without_createtime_is_refused():
    with pytest.raises(CallbackRejected):
        parse_event("<xml><MsgType>event</MsgType></xml>")


def test_events_of_one_guide_in_one_second_get_different_dedup_keys():
    first = contact_xml("add_external_contact", "zhangsan", "wmCUST1")
    second = contact_xml("add_external_contact", "zhangsan", "wmCUST2")

    assert dedup_key(parse_event(first), first) != dedup_key(parse_event(second), second)


def test_a_message_dedup_key_is_its_msgid_whatever_else_differs():
    one = text_xml("zhangsan", "任务", msg_id="M1", create_time=1700000000)
    again = text_xml("zhangsan", "任务", msg_id="M1", create_time=1700000001)

    assert dedup_key(parse_event(one), one) == dedup_key(parse_event(again), again) == "msg:M1"
