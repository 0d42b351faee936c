"""Our typed inbound events: wechatpy 1.8.18 parses neither contact-change nor template-card events."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from bot.crypto import CallbackRejected, parse_xml_fields

log = logging.getLogger(__name__)

CREATE_TIME = re.compile(r"[0-9]{1,10}")  # seconds since 1970: ten digits last until the year 2286
MAX_DEDUP_KEY = 80


class WeComEvent(BaseModel):
    """Fields every callback carries; field aliases are WeCom's XML tag names."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    to_user: str = Field("", alias="ToUserName")
    from_user: str = Field("", alias="FromUserName", max_length=64)
    create_time: datetime = Field(alias="CreateTime")
    agent_id: str = Field("", alias="AgentID")

    @field_validator("create_time", mode="before")
    @classmethod
    def _from_unix_seconds(cls, value: object) -> object:
        if isinstance(value, str) and value.isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        return value

    @property
    def kind(self) -> str:
        """The router observer this event goes to: `text`, an event name, or `unknown`."""
        return "unknown"


class TextMessage(WeComEvent):
    msg_type: Literal["text"] = Field(alias="MsgType")
    content: str = Field("", alias="Content")
    msg_id: str = Field(alias="MsgId", min_length=1)

    @property
    def kind(self) -> str:
        return "text"


class _Event(WeComEvent):
    msg_type: Literal["event"] = Field(alias="MsgType")

    @property
    def kind(self) -> str:
        return self.event


class ContactChange(_Event):
    """change_external_contact: the customer side of a guide's WeCom."""

    event: Literal["change_external_contact"] = Field(alias="Event")
    user_id: str = Field(alias="UserID", min_length=1, max_length=64)
    external_user_id: str = Field(alias="ExternalUserID", min_length=1, max_length=64)


class ContactAdded(ContactChange):
    change_type: Literal["add_external_contact", "add_half_external_contact"] = Field(alias="ChangeType")
    state: str = Field("", alias="State")
    welcome_code: str = Field("", alias="WelcomeCode")


class ContactEdited(ContactChange):
    change_type: Literal["edit_external_contact"] = Field(alias="ChangeType")


class ContactDeleted(ContactChange):
    """The guide deleted the customer; Source DELETE_BY_TRANSFER means a transfer, not churn."""

    change_type: Literal["del_external_contact"] = Field(alias="ChangeType")
    source: str = Field("", alias="Source")


class FollowUserDeleted(ContactChange):
    """删粉: the customer deleted the guide."""

    change_type: Literal["del_follow_user"] = Field(alias="ChangeType")


class TransferFailed(ContactChange):
    change_type: Literal["transfer_fail"] = Field(alias="ChangeType")
    fail_reason: str = Field("", alias="FailReason")


class TemplateCardEvent(_Event):
    event: Literal["template_card_event"] = Field(alias="Event")
    event_key: str = Field("", alias="EventKey")
    task_id: str = Field("", alias="TaskId")
    card_type: str = Field("", alias="CardType")
    response_code: str = Field("", alias="ResponseCode")


class EnterAgent(_Event):
    event: Literal["enter_agent"] = Field(alias="Event")
    event_key: str = Field("", alias="EventKey")


class UnknownEvent(WeComEvent):
    """Anything we do not model yet: stored and acknowledged, never an error."""

    msg_type: str = Field("", alias="MsgType")
    event: str = Field("", alias="Event")
    fields: dict[str, str] = Field(default_factory=dict)


CONTACT_CHANGES: dict[str, type[ContactChange]] = {
    "add_external_contact": ContactAdded,
    "add_half_external_contact": ContactAdded,
    "edit_external_contact": ContactEdited,
    "del_external_contact": ContactDeleted,
    "del_follow_user": FollowUserDeleted,
    "transfer_fail": TransferFailed,
}
EVENTS: dict[str, type[WeComEvent]] = {"template_card_event": TemplateCardEvent, "enter_agent": EnterAgent}


def _model_for(fields: dict[str, str]) -> type[WeComEvent] | None:
    if fields.get("MsgType") == "text":
        return TextMessage
    if fields.get("MsgType") != "event":
        return None
    if fields.get("Event") == "change_external_contact":
        return CONTACT_CHANGES.get(fields.get("ChangeType", ""))
    return EVENTS.get(fields.get("Event", ""))


def parse_event(xml: str) -> WeComEvent:
    """Decrypted callback XML to its typed event; unmodelled shapes become UnknownEvent."""
    fields = parse_xml_fields(xml)
    if not CREATE_TIME.fullmatch(fields.get("CreateTime", "")):
        raise CallbackRejected(400, "event without a valid CreateTime")
    model = _model_for(fields)
    if model is not None:
        try:
            return model.model_validate(fields)
        except ValidationError:
            log.info("a %s payload did not fit its model; stored as unknown", model.__name__)
    try:
        return UnknownEvent.model_validate({**fields, "fields": fields})
    except ValidationError as exc:
        names = ", ".join(sorted({str(error["loc"][0]) for error in exc.errors()}))
        raise CallbackRejected(400, f"event fields out of range: {names}") from None


def dedup_key(event: WeComEvent, xml: str) -> str:
    """MsgId for messages (hashed when too long to store whole); a hash of the payload for events.

    Events share FromUserName and seconds, so only their whole payload tells them apart.
    """
    if isinstance(event, TextMessage):
        key = f"msg:{event.msg_id}"
        return key if len(key) <= MAX_DEDUP_KEY else "msg#" + hashlib.sha256(event.msg_id.encode()).hexdigest()
    return "evt:" + hashlib.sha256(xml.encode()).hexdigest()
