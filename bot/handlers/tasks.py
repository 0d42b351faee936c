import hashlib
from decimal import Decimal, InvalidOperation

from bot.dispatcher import Router
from bot.events import TextMessage
from bot.filters import Command, KnownGuide
from bot.replies import Reply
from org.models import Guide
from tasks.counting import ProgressCounter
from tasks.errors import TaskError
from tasks.rules import progress_line
from tasks.sales import SalesBook
from tasks.schemas import SaleIn

router = Router(name="tasks")

MAX_TASKS_LISTED = 8
SALES_USAGE = "发「业绩 单数 金额」自报业绩，例如：业绩 3 1280"


@router.text(Command("任务", "tasks", "task"), KnownGuide())
async def show_tasks(msg: TextMessage, guide: Guide, progress: ProgressCounter) -> Reply:
    """我的任务和进度"""
    assignments = await progress.open_assignments(guide.userid)
    if not assignments:
        return Reply.text("今天没有进行中的任务，休息一下～")
    lines = [
        f"{n}. {a.task.title}｜{progress_line(a.task, a)}" for n, a in enumerate(assignments[:MAX_TASKS_LISTED], 1)
    ]
    more = f"\n…还有 {len(assignments) - MAX_TASKS_LISTED} 个" if len(assignments) > MAX_TASKS_LISTED else ""
    return Reply.text("进行中的任务：\n" + "\n".join(lines) + more)


@router.text(Command("业绩", "sales", "sale"), KnownGuide())
async def report_sale(msg: TextMessage, args: str, guide: Guide, sales: SalesBook, inbox_key: str) -> Reply:
    """自报业绩，例：业绩 3 1280"""
    parts = args.replace("¥", "").replace("元", "").split()
    try:
        orders, amount = int(parts[0]), Decimal(parts[1])
    except (IndexError, ValueError, InvalidOperation):
        return Reply.text(SALES_USAGE)
    if not (0 < orders <= 1000 and 0 < amount < 10_000_000):
        return Reply.text(SALES_USAGE)
    sale = SaleIn(
        order_id="chat:" + hashlib.sha1(inbox_key.encode()).hexdigest()[:32],
        guide=guide.userid,
        store=guide.store.code,
        amount=amount.quantize(Decimal("0.01")),
        orders=orders,
        channel="chat",
        sold_at=msg.create_time,
    )
    try:
        _, counted = await sales.record(sale, self_reported=True)
    except TaskError as exc:
        return Reply.text(f"没记上：{exc}")
    note = "已计入任务进度。" if counted else "自报业绩已登记，总部确认后计入。"
    return Reply.text(f"已记录 {orders} 单 ¥{amount:,.2f}。{note}")
