"""Fans written straight into the database, with the verdict and loss a report test needs."""

from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

from fans.models import Customer, Fan, FanVerdict, LossSource

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def shanghai(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


async def add_fan(
    guide: str,
    added_at: datetime,
    verdict: FanVerdict = FanVerdict.NEW,
    lost_at: datetime | None = None,
    loss_source: LossSource = LossSource.CUSTOMER_DELETED_GUIDE,
) -> Fan:
    number = next(_numbers)
    customer = await Customer.create(external_userid=f"wm{number}", first_seen_at=added_at)
    return await Fan.create(
        event_key=f"add:{number}", guide_userid=guide, customer=customer, added_at=added_at, verdict=verdict,
        lost_at=lost_at, loss_source=loss_source if lost_at else None,
    )  # fmt: skip
