"""HQ tasks end to end: drafts, publishing, progress from real events, and coins through the ledger.

Every count is a ProgressEvent with a source key unique per assignment (`fan:<id>`,
`sale:<id>`, `share`, `visit:<id>`). It is written under a lock on the assignment row, in
the same transaction as the progress, the coins (the ledger entry's source is the event)
and the coins-paid total. A retried or concurrent event therefore counts once, and a
guide is paid exactly what the progress is worth.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from org.service import OrgImportError, OrgService
from rewards.badges import BadgeService
from rewards.ledger import CoinLedger
from rewards.ports import GuideNotifier
from tasks.models import (
    ProgressEvent,
    Sale,
    SaleReview,
    ShareLink,
    ShareVisit,
    Task,
    TaskAssignment,
    TaskKind,
    TaskMetric,
    TaskStatus,
)
from tasks.ports import TaskCardSender
from tasks.rules import FEN_PER_YUAN, business_day, completion_rate, entitlement, format_units, in_window
from tasks.schemas import GuideProgressOut, RollupOut, SaleIn, TaskIn, TaskOut


class TaskError(Exception):
    """Bad input for a task or a sale, with the fields it concerns; nothing was changed."""

    def __init__(self, message: str, fields: list[str] | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.fields = fields or []
        self.status = status


@dataclass(frozen=True)
class Progressed:
    assignment: TaskAssignment
    task: Task
    counted: bool
    completed_now: bool


def utcnow() -> datetime:
    return datetime.now(UTC)


class TaskService:
    def __init__(
        self,
        org: OrgService,
        ledger: CoinLedger,
        badges: BadgeService,
        cards: TaskCardSender,
        notifier: GuideNotifier,
        *,
        timezone: ZoneInfo,
        fan_retention: timedelta,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._org = org
        self._ledger = ledger
        self._badges = badges
        self._cards = cards
        self._notifier = notifier
        self._tz = timezone
        self._fan_retention = fan_retention
        self._clock = clock

    # --- HQ ------------------------------------------------------------------------------

    async def create_draft(self, data: TaskIn) -> Task:
        await self._check_audience(data)
        return await Task.create(**_task_fields(data), created_at=self._clock())

    async def edit_draft(self, task_id: int, data: TaskIn) -> Task:
        task = await self._task(task_id)
        await self._check_audience(data)
        changed = await Task.filter(id=task.id, status=TaskStatus.DRAFT).update(**_task_fields(data))
        if not changed:
            raise TaskError(f"task {task_id} is {task.status}: only drafts can be edited", ["status"], status=409)
        return await self._task(task_id)

    async def publish(self, task_id: int) -> Task:
        """Assign the audience and push the cards, once: publishing again changes nothing."""
        task = await self._task(task_id)
        if task.status is TaskStatus.CANCELLED:
            raise TaskError(f"task {task_id} is cancelled", ["status"], status=409)
        audience = await self._org.resolve_guides(everyone=task.audience.get("all", False), **_codes(task.audience))
        async with in_transaction():
            published = await Task.filter(id=task.id, status=TaskStatus.DRAFT).update(
                status=TaskStatus.PUBLISHED, published_at=self._clock()
            )
            if published:
                await TaskAssignment.bulk_create(
                    [TaskAssignment(task_id=task.id, guide_userid=userid) for userid in sorted(audience)],
                    batch_size=1000,
                )
                task = await self._task(task_id)
                await self._cards.send_task_cards(task, sorted(audience))
        return await self._task(task_id)

    async def cancel(self, task_id: int) -> Task:
        """Stop the task; every guide it was assigned to is told once (a draft had no one to tell)."""
        task = await self._task(task_id)
        async with in_transaction():
            cancelled = await Task.filter(id=task.id, status__in=[TaskStatus.DRAFT, TaskStatus.PUBLISHED]).update(
                status=TaskStatus.CANCELLED, cancelled_at=self._clock()
            )
            guides = (
                await TaskAssignment.filter(task_id=task.id)
                .order_by("guide_userid")
                .values_list("guide_userid", flat=True)
            )
            if cancelled and guides:
                await self._cards.send_cancellation(await self._task(task_id), list(guides))
        return await self._task(task_id)

    async def summaries(self) -> list[TaskOut]:
        return [await self.summary(task) for task in await Task.all().order_by("-id")]

    async def summary(self, task: Task) -> TaskOut:
        assigned = await TaskAssignment.filter(task_id=task.id).count()
        completed = await TaskAssignment.filter(task_id=task.id, progress__gte=task.target).count()
        return TaskOut(
            id=task.id,
            kind=task.kind,
            metric=task.metric,
            title=task.title,
            status=task.status,
            start_date=task.start_date,
            end_date=task.end_date,
            target=_display(task.metric, task.target),
            reward_coins=task.reward_coins,
            assigned=assigned,
            completed=completed,
            completion_rate=completion_rate(completed, assigned),
        )

    async def guide_progress(self, task_id: int) -> list[GuideProgressOut]:
        task = await self._task(task_id)
        assignments = await TaskAssignment.filter(task_id=task.id).order_by("guide_userid")
        guides = await self._org.guides_by_userid([a.guide_userid for a in assignments])
        rows = []
        for a in assignments:
            guide = guides.get(a.guide_userid)
            rows.append(
                GuideProgressOut(
                    guide=a.guide_userid,
                    name=guide.name if guide else "",
                    store=guide.store.code if guide else "",
                    branch=guide.store.branch.code if guide else "",
                    progress=_display(task.metric, a.progress),
                    target=_display(task.metric, task.target),
                    done=a.progress >= task.target,
                    coins=a.coins_paid,
                    shared=a.shared_at is not None,
                    visitors=a.visitors,
                )
            )
        return rows

    async def rollup(self, task_id: int, by: str) -> list[RollupOut]:
        """Completion per store or per branch."""
        if by not in ("store", "branch"):
            raise TaskError("by: must be store or branch", ["by"])
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in await self.guide_progress(task_id):
            code = getattr(row, by)
            counts[code][0] += 1
            counts[code][1] += row.done
        names = await self._org.unit_names(by, list(counts))
        return [
            RollupOut(
                code=code,
                name=names.get(code, ""),
                assigned=n,
                completed=done,
                completion_rate=completion_rate(done, n),
            )
            for code, (n, done) in sorted(counts.items())
        ]

    # --- guides ----------------------------------------------------------------------------

    async def open_assignments(self, guide_userid: str) -> list[TaskAssignment]:
        """The guide's published tasks whose window includes today."""
        today = business_day(self._clock(), self._tz)
        return (
            await TaskAssignment.filter(
                guide_userid=guide_userid,
                task__status=TaskStatus.PUBLISHED,
                task__start_date__lte=today,
                task__end_date__gte=today,
            )
            .select_related("task")
            .order_by("task_id")
        )

    async def assignment(self, guide_userid: str, task_id: int) -> TaskAssignment | None:
        return await TaskAssignment.get_or_none(task_id=task_id, guide_userid=guide_userid).select_related("task")

    def is_open(self, task: Task) -> bool:
        return task.status is TaskStatus.PUBLISHED and in_window(task, business_day(self._clock(), self._tz))

    async def confirm_share(self, guide_userid: str, task_id: int) -> Progressed | None:
        """The guide's 已转发: counts once for a share task that counts shares."""
        assignment = await self.assignment(guide_userid, task_id)
        if assignment is None or assignment.task.kind is not TaskKind.SHARE_POST or not self.is_open(assignment.task):
            return None
        if assignment.shared_at is None:
            await TaskAssignment.filter(id=assignment.id, shared_at__isnull=True).update(shared_at=self._clock())
        if assignment.task.metric is not TaskMetric.SHARES:
            return Progressed(await self.assignment(guide_userid, task_id), assignment.task, False, False)
        return await self._count(assignment, 1, "share", self._clock(), "转发任务完成")

    async def share_link_code(self, guide_userid: str, task_id: int) -> str:
        link = await ShareLink.get_or_none(task_id=task_id, guide_userid=guide_userid)
        if link is None:
            try:
                link = await ShareLink.create(task_id=task_id, guide_userid=guide_userid, code=secrets.token_urlsafe(8))
            except IntegrityError:
                link = await ShareLink.get(task_id=task_id, guide_userid=guide_userid)
        return link.code

    async def record_visit(self, code: str, visitor: str, at: datetime) -> str | None:
        """A visit to a tracked link: the material's URL to redirect to, or None for an unknown code."""
        link = await ShareLink.get_or_none(code=code).select_related("task")
        if link is None:
            return None
        try:
            visit = await ShareVisit.create(link=link, day=business_day(at, self._tz), visitor=visitor[:64])
        except IntegrityError:
            return link.task.material_link
        assignment = await self.assignment(link.guide_userid, link.task_id)
        if assignment is not None:
            await TaskAssignment.filter(id=assignment.id).update(visitors=F("visitors") + 1)
            if link.task.metric is TaskMetric.VISITORS and self.is_open(link.task):
                await self._count(assignment, 1, f"visit:{visit.id}", at, "分享链接访客")
        return link.task.material_link

    async def sale_problems(self, values: dict) -> list[tuple[str, str]]:
        """What a sales line refers to that does not exist (checked on the fields that are valid)."""
        problems = []
        if values.get("guide") and await self._org.guide(values["guide"]) is None:
            problems.append(("guide", f"unknown guide {values['guide']!r}"))
        if values.get("refund_of") and not await Sale.exists(order_id=values["refund_of"]):
            problems.append(("refund_of", f"unknown order {values['refund_of']!r}"))
        return problems

    async def record_sale(self, data: SaleIn, *, self_reported: bool = False) -> tuple[Sale, list[int]]:
        """Store a sales line once and count it in open sales tasks.

        The same order_id with the same meaning (1200 or 1200.00; the same instant in any
        time zone) answers the same; with another meaning it is a conflict. A self-reported
        line that no task counts waits for HQ's review.
        """
        fingerprint = sale_fingerprint(data)
        existing = await Sale.get_or_none(order_id=data.order_id)
        if existing:
            if existing.fingerprint != fingerprint:
                raise TaskError(f"order {data.order_id} was already recorded with other values", ["order_id"], 409)
            return existing, await self._tasks_counting(f"sale:{existing.id}")
        problems = await self.sale_problems(dict(data))
        if problems:
            raise TaskError("; ".join(f"{f}: {m}" for f, m in problems), [f for f, _ in problems])
        try:
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
                received_at=self._clock(),
            )
        except IntegrityError:
            return await self.record_sale(data, self_reported=self_reported)
        counted = await self._count_sale(sale, include_self_reported_only=self_reported)
        if self_reported and not counted:
            await Sale.filter(id=sale.id).update(review=SaleReview.PENDING)
            sale.review = SaleReview.PENDING
        return sale, counted

    async def _count_sale(self, sale: Sale, *, include_self_reported_only: bool) -> list[int]:
        """Count a sale in the guide's sales tasks open on its day; `sale:<id>` makes each count once."""
        counted = []
        for assignment in await self._open_at(sale.guide_userid, TaskKind.SALES_TARGET, sale.sold_at):
            if include_self_reported_only and not assignment.task.count_self_reported:
                continue
            units = sale.amount_fen if assignment.task.metric is TaskMetric.AMOUNT else sale.orders
            reason = "退款冲回" if sale.refund_of else "业绩"
            if (await self._count(assignment, units, f"sale:{sale.id}", sale.sold_at, reason)).counted:
                counted.append(assignment.task_id)
        return sorted(set(counted) | set(await self._tasks_counting(f"sale:{sale.id}")))

    async def sales(self, review: SaleReview | None = None, limit: int = 500) -> list[tuple[Sale, list[int]]]:
        """Sales lines, newest first; `review=pending` lists the self-reports waiting for HQ."""
        query = Sale.all().order_by("-id").limit(limit)
        if review is not None:
            query = query.filter(review=review)
        return [(sale, await self._tasks_counting(f"sale:{sale.id}")) for sale in await query]

    async def confirm_sale(self, sale_id: int) -> tuple[Sale, list[int]]:
        """HQ confirms a self-report: it counts in the open sales tasks as a store's line would, once."""
        sale = await self._sale(sale_id)
        if sale.review is SaleReview.REJECTED or sale.review is SaleReview.NONE:
            raise TaskError(f"sale {sale_id} is not awaiting review ({sale.review})", ["review"], status=409)
        confirmed = await Sale.filter(id=sale.id, review=SaleReview.PENDING).update(
            review=SaleReview.CONFIRMED, reviewed_at=self._clock()
        )
        sale = await self._sale(sale_id)
        counted = await self._count_sale(sale, include_self_reported_only=False)
        if confirmed:
            amount = format_units(TaskMetric.AMOUNT, sale.amount_fen)
            await self._notifier.notify(
                sale.guide_userid,
                f"总部已确认你自报的业绩（{sale.orders} 单 ¥{amount}），已计入任务进度。",
                key=f"sale-confirmed:{sale.id}",
            )
        return sale, counted

    async def reject_sale(self, sale_id: int) -> tuple[Sale, list[int]]:
        """HQ rejects a self-report: it never counts."""
        sale = await self._sale(sale_id)
        if sale.review is SaleReview.CONFIRMED or sale.review is SaleReview.NONE:
            raise TaskError(f"sale {sale_id} is not awaiting review ({sale.review})", ["review"], status=409)
        await Sale.filter(id=sale.id, review=SaleReview.PENDING).update(
            review=SaleReview.REJECTED, reviewed_at=self._clock()
        )
        return await self._sale(sale_id), []

    async def _sale(self, sale_id: int) -> Sale:
        sale = await Sale.get_or_none(id=sale_id)
        if sale is None:
            raise TaskError(f"no sale {sale_id}", ["sale_id"], status=404)
        return sale

    async def count_new_fan(self, guide_userid: str, fan_id: int, added_at: datetime) -> None:
        for assignment in await self._open_at(guide_userid, TaskKind.ADD_FANS, added_at):
            await self._count(assignment, 1, f"fan:{fan_id}", added_at, "新增粉丝")

    async def uncount_lost_fan(self, guide_userid: str, fan_id: int, added_at: datetime, lost_at: datetime) -> None:
        """删粉 within the retention window takes the fan's progress, and any coins it earned, back."""
        if lost_at - added_at > self._fan_retention:
            return
        counted = await ProgressEvent.filter(
            source_key=f"fan:{fan_id}", assignment__guide_userid=guide_userid
        ).select_related("assignment__task")
        for event in counted:
            await self._count(event.assignment, -1, f"fan-lost:{fan_id}", lost_at, "删粉：进度与奖励收回")

    # --- counting --------------------------------------------------------------------------

    async def _count(
        self, assignment: TaskAssignment, units: int, source_key: str, at: datetime, reason: str
    ) -> Progressed:
        task = assignment.task
        async with in_transaction():
            locked = await TaskAssignment.filter(id=assignment.id).select_for_update().get()
            if await ProgressEvent.exists(assignment_id=locked.id, source_key=source_key):
                return Progressed(locked, task, counted=False, completed_now=False)
            event = await ProgressEvent.create(
                assignment_id=locked.id,
                source_key=source_key,
                units=units,
                business_day=business_day(at, self._tz),
                created_at=self._clock(),
            )
            locked.progress += units
            owed = entitlement(task, locked.progress) - locked.coins_paid
            if owed:
                entry = await self._ledger.post(
                    locked.guide_userid,
                    owed,
                    f"任务「{task.title}」{reason}",
                    source_type="task",
                    source_id=f"{task.id}:{event.id}",
                    allow_partial=owed < 0,
                )
                locked.coins_paid += entry.amount
            completed_now = locked.progress >= task.target and locked.completed_at is None
            if completed_now:
                locked.completed_at = self._clock()
            await locked.save(update_fields=["progress", "coins_paid", "completed_at"])
        if completed_now:
            await self._notifier.notify(
                locked.guide_userid,
                f"🎉 任务「{task.title}」完成！获得 {locked.coins_paid} 金币",
                key=f"task-done:{task.id}:{locked.guide_userid}",
            )
            await self._badges.after_task_done(locked.guide_userid)
        if units > 0:
            days = (
                await ProgressEvent.filter(assignment__guide_userid=locked.guide_userid, units__gt=0)
                .distinct()
                .values_list("business_day", flat=True)
            )
            await self._badges.after_progress(locked.guide_userid, set(days), business_day(at, self._tz))
        return Progressed(locked, task, counted=True, completed_now=completed_now)

    async def _open_at(self, guide_userid: str, kind: TaskKind, at: datetime) -> list[TaskAssignment]:
        day = business_day(at, self._tz)
        return await TaskAssignment.filter(
            guide_userid=guide_userid,
            task__kind=kind,
            task__status=TaskStatus.PUBLISHED,
            task__start_date__lte=day,
            task__end_date__gte=day,
        ).select_related("task")

    async def _tasks_counting(self, source_key: str) -> list[int]:
        return sorted(await ProgressEvent.filter(source_key=source_key).values_list("assignment__task_id", flat=True))

    async def _task(self, task_id: int) -> Task:
        task = await Task.get_or_none(id=task_id)
        if task is None:
            raise TaskError(f"no task {task_id}", ["task_id"], status=404)
        return task

    async def task_problems(self, values: dict) -> list[tuple[str, str]]:
        """Audience codes that do not exist, or an audience without guides."""
        audience = values.get("audience")
        if audience is None:
            return []
        try:
            guides = await self._org.resolve_guides(everyone=audience.all, **_codes(audience.model_dump()))
        except OrgImportError as exc:
            return [(f"audience.{problem.split(':')[0]}", problem.partition(": ")[2]) for problem in exc.problems]
        return [] if guides else [("audience", "has no guides")]

    async def _check_audience(self, data: TaskIn) -> None:
        problems = await self.task_problems(dict(data))
        if problems:
            raise TaskError("; ".join(f"{f}: {m}" for f, m in problems), [f for f, _ in problems])


def _codes(audience: dict) -> dict[str, list[str]]:
    return {key: list(audience.get(key, [])) for key in ("regions", "branches", "stores", "teams", "guides")}


def _task_fields(data: TaskIn) -> dict:
    material = data.material
    return {
        "kind": data.kind,
        "metric": data.metric,
        "title": data.title,
        "description": data.description,
        "material_text": material.text if material else "",
        "material_link": str(material.link) if material else "",
        "material_image": str(material.image) if material and material.image else "",
        "audience": data.audience.model_dump(),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "target": data.target_units,
        "reward_coins": data.reward_coins,
        "bonus_per_unit": data.bonus_per_unit,
        "bonus_cap": data.bonus_cap,
        "count_self_reported": data.count_self_reported,
    }


def _display(metric: TaskMetric, units: int) -> int | Decimal:
    """Stored units as the API shows them: yuan for amount, else the count."""
    return Decimal(units) / FEN_PER_YUAN if metric is TaskMetric.AMOUNT else int(units)


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


def progress_line(task: Task, assignment: TaskAssignment) -> str:
    """`吸粉 7/10` style, for the guide's 任务 reply and the card."""
    label = {TaskKind.ADD_FANS: "吸粉", TaskKind.SHARE_POST: "转发", TaskKind.SALES_TARGET: "业绩"}[task.kind]
    if task.metric is TaskMetric.VISITORS:
        label = "访客"
    done = "✅" if assignment.progress >= task.target else ""
    progress, target = format_units(task.metric, assignment.progress), format_units(task.metric, task.target)
    line = f"{label} {progress}/{target}{done}"
    if task.kind is TaskKind.SHARE_POST and task.metric is TaskMetric.SHARES:
        line += f" · 访客 {assignment.visitors}"
    return line
