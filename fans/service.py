"""Recording who added whom, and whether it counts as a new fan.

Adds of one customer are serialised on the customer's row (SELECT … FOR UPDATE on
PostgreSQL, the single writer on SQLite), so two guides adding the same customer at the
same moment cannot both count them as new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from fans.events import FanAdded, FanLost
from fans.models import Customer, Fan, FanVerdict, LossSource
from fans.ports import ContactDirectory
from kernel.event_bus import EventBus

WECOM_USER_CONTACT_TYPE = 2


class FanService:
    """Who holds which customer, and whether an add counts: the anti-cheat rules (重粉, re-adds, colleagues).

    Every new or lost fan is recorded as a FanAdded / FanLost event with the change, so task
    progress, badges and boards follow it exactly once.
    """

    def __init__(self, bus: EventBus, contacts: ContactDirectory, retention: timedelta) -> None:
        self._bus = bus
        self._contacts = contacts
        self._retention = retention

    async def record_added(
        self,
        *,
        event_key: str,
        guide_userid: str,
        external_userid: str,
        state: str,
        added_at: datetime,
    ) -> Fan:
        """Store one add with its verdict; a new fan is recorded as FanAdded (progress, badges).

        The same event_key again, or an add of a customer the guide already holds (an
        add_half_external_contact followed by add_external_contact), returns the held record.
        """
        existing = await Fan.get_or_none(event_key=event_key)
        if existing:
            return existing
        contact_type = await self._contacts.contact_type(external_userid)
        await Customer.get_or_create(
            external_userid=external_userid, defaults={"first_seen_at": added_at, "contact_type": contact_type}
        )
        try:
            async with self._bus.transaction():
                customer = await self._locked_customer(external_userid, contact_type)
                held = await Fan.get_or_none(customer=customer, guide_userid=guide_userid, lost_at__isnull=True)
                if held:
                    return held
                verdict = await self._verdict(customer, guide_userid, added_at)
                fan = await Fan.create(
                    event_key=event_key,
                    guide_userid=guide_userid,
                    customer=customer,
                    state=state[:64],
                    added_at=added_at,
                    verdict=verdict,
                )
                await self._bus.record(
                    FanAdded(
                        guide_userid=guide_userid, fan_id=fan.id, added_at=added_at, counts_as_new=fan.counts_as_new
                    )
                )
                return fan
        except IntegrityError:
            return await Fan.get(event_key=event_key)

    async def record_lost(
        self, *, guide_userid: str, external_userid: str, lost_at: datetime, source: LossSource
    ) -> Fan | None:
        """Mark the guide's active fan of this customer lost; None when there was none."""
        async with self._bus.transaction():
            fan = (
                await Fan.filter(
                    guide_userid=guide_userid, customer__external_userid=external_userid, lost_at__isnull=True
                )
                .select_for_update()
                .order_by("-added_at")
                .first()
            )
            if fan is None:
                return None
            fan.lost_at, fan.loss_source = lost_at, source
            await fan.save(update_fields=["lost_at", "loss_source"])
            await self._bus.record(
                FanLost(
                    guide_userid=guide_userid,
                    fan_id=fan.id,
                    added_at=fan.added_at,
                    lost_at=lost_at,
                    counts_as_new=fan.counts_as_new,
                    transferred=source is LossSource.TRANSFERRED,
                )  # fmt: skip
            )
            return fan

    async def new_fan_count(self, guide_userid: str) -> int:
        """Fans that count as new and are still held."""
        return await Fan.filter(guide_userid=guide_userid, verdict=FanVerdict.NEW, lost_at__isnull=True).count()

    async def _locked_customer(self, external_userid: str, contact_type: int | None) -> Customer:
        customer = await Customer.filter(external_userid=external_userid).select_for_update().get()
        if contact_type is not None and customer.contact_type != contact_type:
            customer.contact_type = contact_type
            await customer.save(update_fields=["contact_type"])
        return customer

    async def _verdict(self, customer: Customer, guide_userid: str, added_at: datetime) -> FanVerdict:
        if customer.contact_type == WECOM_USER_CONTACT_TYPE:
            return FanVerdict.COLLEAGUE
        held_elsewhere = (
            await Fan.filter(customer=customer, lost_at__isnull=True).exclude(guide_userid=guide_userid).exists()
        )
        if held_elsewhere:
            return FanVerdict.DUPLICATE
        recently_lost = await Fan.filter(
            customer=customer,
            guide_userid=guide_userid,
            lost_at__gte=added_at - self._retention,
        ).exists()
        if recently_lost:
            return FanVerdict.READDED
        return FanVerdict.NEW
