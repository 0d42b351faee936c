from bot.cards import WeComTaskCards
from bot.dispatcher import Router
from bot.events import TemplateCardEvent
from bot.filters import ButtonKey
from bot.replies import Reply
from tasks.models import TaskKind
from tasks.service import TaskService, progress_line

router = Router(name="cards")


@router.event("template_card_event", ButtonKey("go", "done", "progress"))
async def answer_task_button(
    event: TemplateCardEvent, action: str, task_id: int, tasks: TaskService, cards: WeComTaskCards, public_url: str
) -> Reply:
    """点任务卡片的按钮：去完成＝怎么做，已转发＝记一次转发，查看进度＝当前进度；完成后卡片变为已完成。"""
    assignment = await tasks.assignment(event.from_user, task_id)
    if assignment is None:
        return Reply.text("这个任务没有派给你哦。")
    task = assignment.task
    if not tasks.is_open(task):
        return Reply.text(f"任务「{task.title}」已结束，感谢参与！")
    if action == "done" and task.kind is TaskKind.SHARE_POST:
        assignment = (await tasks.confirm_share(event.from_user, task_id)).assignment
    if assignment.progress >= task.target and event.response_code:
        await cards.mark_card_done(event.from_user, event.response_code)
    if action == "go":
        return Reply.text(await how_to(task, event.from_user, tasks, public_url))
    return Reply.text(f"「{task.title}」{progress_line(task, assignment)}")


async def how_to(task, guide_userid: str, tasks: TaskService, public_url: str) -> str:
    if task.kind is TaskKind.SHARE_POST:
        code = await tasks.share_link_code(guide_userid, task.id)
        return (
            f"复制下面的文案和链接，发朋友圈或客户群，发完点「已转发」：\n{task.material_text}\n{public_url}/s/{code}"
        )
    if task.kind is TaskKind.ADD_FANS:
        return "请顾客扫你的企业微信二维码加好友，新粉丝自动计入进度（重复加粉、同事不计）。"
    return "成交后门店系统会自动上报；也可以发「业绩 单数 金额」自报，例如：业绩 3 1280"
