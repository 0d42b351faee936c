"""Sales lines from store systems and guides' chat reports, and HQ's review of the self-reported ones."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from kernel.clock import Clock
from kernel.event_bus import EventBus
from org.roster import has_left
from org.scope import StoreCodes, of_guides_in
from org.service import OrgService
from rewards.ports import GuideNotifier
from tasks.counting import ProgressCounter
from tasks.errors import InvalidSale, SaleConflict, SaleNotFound, SaleNotInReview
from tasks.events import SaleConfirmed, SaleRecorded
from tasks.kinds import Counted, metric_of
from tasks.models import Sale, SaleReview
from tasks.rules import FEN_PER_YUAN, format_yuan
from tasks.schemas import SaleIn


class SalesBook:
    """Keeps every sales line once and counts it in the guide's open sales tasks.

    It exists because sales arrive from two sides with different trust: store systems post
    lines (again and again, spelled differently) and guides report their own in chat. A
    line is stored once by its order id and meaning; a self-report counts only where HQ
    allows it, or once HQ confirms it.
    """

    def __init__(
        self,
        org: OrgService,
        counter: ProgressCounter,
        notifier: GuideNotifier,
        bus: EventBus,
        clock: Clock,
    ) -> None:
        self._org = org
        self._counter = counter
        self._notifier = notifier
        self._bus = bus
        self._clock = clock

    async def problems(self, values: dict) -> list[tuple[str, str]]:
        """What a sales line refers to that does not exist (checked on the fields that are valid)."""
        problems = []
        if values.get("guide") and await self._org.guide(values["guide"]) is None:
            problems.append(("guide", f"unknown guide {values['guide']!r}"))
        if values.get("refund_of") and not await Sale.exists(order_id=values["refund_of"]):
            problems.append(("refund_of", f"unknown order {values['refund_of']!r}"))
        return problems

    async def record(self, data: SaleIn, *, self_reported: bool = False) -> tuple[Sale, list[int]]:
        """Store a sales line once and count it in open sales tasks.

        The same order_id with the same meaning (1200 or 1200.00; the same instant in any
        time zone) answers the same; with another meaning it is a conflict. A self-reported
        line that no task counts waits for HQ's review.
        """
        fingerprint = sale_fingerprint(data)
        existing = await Sale.get_or_none(order_id=data.order_id)
        if existing:
            if existing.fingerprint != fingerprint:
                raise SaleConflict(f"order {data.order_id} was already recorded with other values", ["order_id"])
            return existing, await self._counted_in(existing)
        problems = await self.problems(dict(data))
        if problems:
            raise InvalidSale(problems)
        try:
            async with self._bus.transaction():
                sale = await Sale.create(
                    order_id=data.order_id,
                    guide_userid=data.guide,
                    store_code=data.store,
                    amount_fen=int(data.amount * FEN_PER_YUAN),
                    orders=data.orders,
                    channel=data.channel,
                    sold_at=data.sold_at,
                    self_reported=self_reported,
                    refund_of=data.refund_of,
                    fingerprint=fingerprint,
                    received_at=self._clock.now(),
                )
                await self._bus.record(
                    SaleRecorded(
                        sale_id=sale.id,
                        order_id=sale.order_id,
                        guide_userid=sale.guide_userid,
                        store_code=sale.store_code,
                        amount=data.amount,
                        orders=sale.orders,
                        channel=sale.channel,
                        sold_at=sale.sold_at,
                        self_reported=self_reported,
                    )  # fmt: skip
                )
        except IntegrityError:
            return await self.record(data, self_reported=self_reported)
        counted = await self._count(sale, include_self_reported_only=self_reported)
        if self_reported and not counted:
            await Sale.filter(id=sale.id).update(review=SaleReview.PENDING)
            sale.review = SaleReview.PENDING
        return sale, counted

    async def _count(self, sale: Sale, *, include_self_reported_only: bool) -> list[int]:
        """Count a sale in the guide's sales tasks open on its day; `sale:<id>` makes each count once."""
        counted = []
        for assignment in await self._counter.open_at(sale.guide_userid, Counted.SALE, sale.sold_at):
            if include_self_reported_only and not assignment.task.count_self_reported:
                continue
            units = sale.amount_fen if metric_of(assignment.task).money else sale.orders
            reason = "退款冲回" if sale.refund_of else "业绩"
            if (await self._counter.count(assignment, units, f"sale:{sale.id}", sale.sold_at, reason)).counted:
                counted.append(assignment.task_id)
        return sorted(set(counted) | set(await self._counted_in(sale)))

    async def lines(
        self, review: SaleReview | None = None, limit: int = 500, store_codes: StoreCodes = None
    ) -> list[tuple[Sale, list[int]]]:
        """Sales lines, newest first; `review=pending` lists the self-reports waiting for HQ.

        `store_codes` keeps to the lines of the guides in those stores (None: every line).
        """
        query = Sale.filter(of_guides_in(store_codes)).order_by("-id").limit(limit)
        if review is not None:
            query = query.filter(review=review)
        return [(sale, await self._counted_in(sale)) for sale in await query]

    async def line(self, sale_id: int, store_codes: StoreCodes = None) -> tuple[Sale, list[int]]:
        """One line and the tasks it counts in; SaleNotFound outside `store_codes`, as for an unknown sale."""
        sale = await self._sale(sale_id, store_codes)
        return sale, await self._counted_in(sale)

    async def _counted_in(self, sale: Sale) -> list[int]:
        return await self._counter.tasks_counting(f"sale:{sale.id}")

    async def confirm(self, sale_id: int, store_codes: StoreCodes = None) -> tuple[Sale, list[int]]:
        """HQ or the guide's store manager confirms a self-report: it counts in open sales tasks as a store's line would.

        The guide hears of it, unless they have left.
        """
        sale = await self._sale(sale_id, store_codes)
        if sale.review is SaleReview.REJECTED or sale.review is SaleReview.NONE:
            raise SaleNotInReview(f"sale {sale_id} is not awaiting review ({sale.review})", ["review"])
        async with self._bus.transaction():
            confirmed = await Sale.filter(id=sale.id, review=SaleReview.PENDING).update(
                review=SaleReview.CONFIRMED, reviewed_at=self._clock.now()
            )
            if confirmed:
                await self._bus.record(
                    SaleConfirmed(
                        sale_id=sale.id,
                        guide_userid=sale.guide_userid,
                        amount=Decimal(sale.amount_fen) / FEN_PER_YUAN,
                        orders=sale.orders,
                        channel=sale.channel,
                        sold_at=sale.sold_at,
                    )
                )
        sale = await self._sale(sale_id)
        counted = await self._count(sale, include_self_reported_only=False)
        if confirmed and not await has_left(sale.guide_userid):
            await self._notifier.notify(
                sale.guide_userid,
                f"总部已确认你自报的业绩（{sale.orders} 单 {format_yuan(sale.amount_fen)}），已计入任务进度。",
                key=f"sale-confirmed:{sale.id}",
            )
        return sale, counted

    async def reject(self, sale_id: int, store_codes: StoreCodes = None) -> tuple[Sale, list[int]]:
        """HQ (or the guide's store manager) rejects a self-report: it never counts."""
        sale = await self._sale(sale_id, store_codes)
        if sale.review is SaleReview.CONFIRMED or sale.review is SaleReview.NONE:
            raise SaleNotInReview(f"sale {sale_id} is not awaiting review ({sale.review})", ["review"])
        await Sale.filter(id=sale.id, review=SaleReview.PENDING).update(
            review=SaleReview.REJECTED, reviewed_at=self._clock.now()
        )
        return await self._sale(sale_id), []

    async def _sale(self, sale_id: int, store_codes: StoreCodes = None) -> Sale:
        sale = await Sale.get_or_none(of_guides_in(store_codes), id=sale_id)
        if sale is None:
            raise SaleNotFound(sale_id)
        return sale


def sale_fingerprint(data: SaleIn) -> str:
    """What a sales line means, not how it was spelled: 1200 == 1200.00, one instant in any time zone."""
    meaning = [
        data.order_id,
        data.guide,
        data.store,
        str(data.amount.quantize(Decimal("0.01"))),
        data.orders,
        data.channel,
        data.sold_at.astimezone(UTC).isoformat(),
        data.refund_of,
    ]
    return hashlib.sha256(json.dumps(meaning, ensure_ascii=False).encode()).hexdigest()
