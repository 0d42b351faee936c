"""What the demo chain's day sends, one item at a time: new friends, lost fans, card taps, chat, sales.

Pure: from the guides, the open tasks and a random source it deals the next item, either the
plaintext XML WeCom would encrypt and post to /wecom/callback, or a sales line for POST
/api/v1/sales. Sending is `config/demo_traffic.py`'s job, so the mix is specified without a server.

The mix follows a store day: mostly new friends and sales, some customers a second guide adds
again (重粉), a few who delete their guide (删粉) or return what they bought, guides reporting
their own sales and cheering their team in chat, and taps on task cards when tasks are open. A
few guides do most of the business, as in a real chain, so the leaderboard has leaders.
"""

from __future__ import annotations

import random
import string
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kernel.clock import Clock


class Kind(StrEnum):
    NEW_FAN = "new_fan"
    REPEAT_FAN = "repeat_fan"
    LOST_FAN = "lost_fan"
    CARD_TAP = "card_tap"
    SALES_REPORT = "sales_report"
    CHEER = "cheer"
    SALE = "sale"
    REFUND = "refund"


LABELS = {
    Kind.NEW_FAN: "新粉 new fan",
    Kind.REPEAT_FAN: "重粉 fan again",
    Kind.LOST_FAN: "删粉 lost fan",
    Kind.CARD_TAP: "点卡片 card tap",
    Kind.SALES_REPORT: "报业绩 chat report",
    Kind.CHEER: "加油 cheer",
    Kind.SALE: "销售 sale",
    Kind.REFUND: "退款 refund",
}

# One round: every kind comes once or more in each twenty, shuffled, so a few seconds show them all.
ROUND = {
    Kind.NEW_FAN: 6,
    Kind.REPEAT_FAN: 1,
    Kind.LOST_FAN: 1,
    Kind.CARD_TAP: 1,
    Kind.SALES_REPORT: 2,
    Kind.CHEER: 2,
    Kind.SALE: 6,
    Kind.REFUND: 1,
}

PRICES = [199, 259, 299, 399, 459, 599, 699, 899, 1299, 1599, 2399]  # apparel and sportswear price points
CHANNELS = {"store": 60, "online": 25, "share": 15}  # the store's till, the online shop, a guide's shared link
CHEERS = ["冲呀", "今天破万！", "兄弟姐妹们加把劲", "再来十单", "稳住，我们能赢", "全员冲刺💪"]
REMEMBERED = 500  # customers and sales kept to lose or refund later
AGENT_ID = 1000002  # the AgentID a WeCom app's callbacks carry when none is configured


@dataclass(frozen=True)
class DemoGuide:
    userid: str
    store: str


@dataclass(frozen=True)
class OpenTask:
    """A published task running today, and the guides holding its card."""

    id: int
    kind: str
    guides: tuple[str, ...]


@dataclass(frozen=True)
class Callback:
    kind: Kind
    xml: str  # the plaintext WeCom encrypts


@dataclass(frozen=True)
class SaleLine:
    kind: Kind
    line: dict  # the JSON body of POST /api/v1/sales


class DemoDay:
    """Deals the demo traffic; `next()` is the next item to send."""

    def __init__(
        self,
        guides: Sequence[DemoGuide],
        tasks: Sequence[OpenTask],
        clock: Clock,
        *,
        corp_id: str,
        agent_id: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not guides:
            raise ValueError("no guides to send for")
        self._rng = rng or random.Random()
        self._guides = list(guides)
        self._rng.shuffle(self._guides)
        # Zipf-like: the first guides in this shuffled order do most of the business.
        self._weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self._guides))]
        self._tasks = [task for task in tasks if task.guides]
        self._clock = clock
        self._corp_id = corp_id
        self._agent_id = agent_id or AGENT_ID
        self._run = "".join(self._rng.choices(string.ascii_lowercase + string.digits, k=6))
        self._count = 0
        self._fans: deque[tuple[str, str]] = deque(maxlen=REMEMBERED)  # (guide, customer) pairs this run made
        self._sales: deque[dict] = deque(maxlen=REMEMBERED)  # sales lines this run posted and did not refund yet
        self._deck: Iterator[Kind] = iter(())

    @property
    def kinds(self) -> list[Kind]:
        """The kinds this day deals: card taps only when some open task has guides."""
        return [kind for kind in ROUND if kind is not Kind.CARD_TAP or self._tasks]

    def next(self) -> Callback | SaleLine:
        self._count += 1
        kind = next(self._deck, None)
        if kind is None:
            self._deck = self._shuffled_round()
            kind = next(self._deck)
        return self._deal(kind)

    def _shuffled_round(self) -> Iterator[Kind]:
        deck = [kind for kind in self.kinds for _ in range(ROUND[kind])]
        self._rng.shuffle(deck)
        return iter(deck)

    def _deal(self, kind: Kind) -> Callback | SaleLine:
        if kind is Kind.REPEAT_FAN and self._fans:
            return self._repeat_fan()
        if kind is Kind.LOST_FAN and self._fans:
            return self._lost_fan()
        if kind is Kind.CARD_TAP:
            return self._card_tap()
        if kind is Kind.SALES_REPORT:
            orders = self._rng.choice((1, 1, 1, 2, 3))
            amount = sum(self._rng.choice(PRICES) for _ in range(orders))
            return Callback(kind, self._text(self._guide().userid, f"业绩 {orders} {amount}"))
        if kind is Kind.CHEER:
            return Callback(kind, self._text(self._guide().userid, f"加油 {self._rng.choice(CHEERS)}"))
        if kind is Kind.REFUND and self._sales:
            return self._refund()
        if kind in (Kind.SALE, Kind.REFUND):
            return self._sale()
        return self._new_fan()  # a repeat or a loss before this run made any fan is a new fan

    def _guide(self) -> DemoGuide:
        return self._rng.choices(self._guides, self._weights)[0]

    def _new_fan(self) -> Callback:
        guide = self._guide().userid
        customer = "wm" + "".join(self._rng.choices(string.ascii_letters + string.digits, k=30))
        return Callback(Kind.NEW_FAN, self._contact_added(guide, customer))

    def _repeat_fan(self) -> Callback:
        """A customer this run made, added by another guide: WeCom reports it, the fan is not new (重粉)."""
        first_guide, customer = self._rng.choice(self._fans)
        others = [guide.userid for guide in self._guides if guide.userid != first_guide]
        return Callback(Kind.REPEAT_FAN, self._contact_added(self._rng.choice(others or [first_guide]), customer))

    def _lost_fan(self) -> Callback:
        index = self._rng.randrange(len(self._fans))
        guide, customer = self._fans[index]
        del self._fans[index]
        return Callback(Kind.LOST_FAN, self._contact_event("del_follow_user", guide, customer))

    def _contact_added(self, guide: str, customer: str) -> str:
        self._fans.append((guide, customer))
        welcome_code = "".join(self._rng.choices(string.ascii_letters + string.digits, k=24))
        return self._contact_event("add_external_contact", guide, customer, WelcomeCode=welcome_code)

    def _card_tap(self) -> Callback:
        task = self._rng.choice(self._tasks)
        action = self._rng.choice(("done", "done", "progress", "go"))
        tags = {
            "EventKey": f"{action}:{task.id}",
            "TaskId": f"task{task.id}-0",
            "CardType": "button_interaction",
            "ResponseCode": "".join(self._rng.choices(string.ascii_letters + string.digits, k=32)),
        }
        return Callback(Kind.CARD_TAP, self._event(self._rng.choice(task.guides), "template_card_event", tags))

    def _sale(self) -> SaleLine:
        guide = self._guide()
        orders = self._rng.choice((1, 1, 1, 1, 2, 2, 3))
        amount = Decimal(sum(self._rng.choice(PRICES) for _ in range(orders)))
        line = {
            "order_id": f"demo-{self._run}-{self._count}",
            "guide": guide.userid,
            "store": guide.store,
            "amount": f"{amount:.2f}",
            "orders": orders,
            "channel": self._rng.choices(list(CHANNELS), list(CHANNELS.values()))[0],
            "sold_at": self._now_local(),
        }
        self._sales.append(line)
        return SaleLine(Kind.SALE, line)

    def _refund(self) -> SaleLine:
        """A customer brings back all of an order this run sold: a negative line against it."""
        index = self._rng.randrange(len(self._sales))
        sale = self._sales[index]
        del self._sales[index]
        line = {
            **sale,
            "order_id": f"{sale['order_id']}-refund",
            "amount": f"-{sale['amount']}",
            "orders": -sale["orders"],
            "sold_at": self._now_local(),
            "refund_of": sale["order_id"],
        }
        return SaleLine(Kind.REFUND, line)

    def _now_local(self) -> str:
        return self._clock.now().astimezone(self._clock.timezone).isoformat(timespec="seconds")

    def _text(self, guide: str, content: str) -> str:
        # WeCom's MsgId is a 64-bit number; the service deduplicates messages by it.
        msg_id = self._rng.randrange(10**18, 2**63)
        return self._xml(
            guide,
            {"MsgType": "text", "Content": content},
            f"<MsgId>{msg_id}</MsgId><AgentID>{self._agent_id}</AgentID>",
        )

    def _contact_event(self, change_type: str, guide: str, customer: str, **extra: str) -> str:
        tags = {"ChangeType": change_type, "UserID": guide, "ExternalUserID": customer, **extra}
        return self._xml("sys", {"MsgType": "event", "Event": "change_external_contact", **tags})

    def _event(self, guide: str, event: str, tags: dict[str, str]) -> str:
        return self._xml(guide, {"MsgType": "event", "Event": event, **tags}, f"<AgentID>{self._agent_id}</AgentID>")

    def _xml(self, sender: str, tags: dict[str, str], tail: str = "") -> str:
        """WeCom's flat callback XML; every value here is ours (ids, digits, fixed Chinese), none holds `]]>`."""
        created = int(self._clock.now().timestamp())
        body = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in tags.items())
        return (
            f"<xml><ToUserName><![CDATA[{self._corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{sender}]]></FromUserName><CreateTime>{created}</CreateTime>"
            f"{body}{tail}</xml>"
        )
