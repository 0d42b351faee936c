from bot.cards import WeComTaskCards
from bot.dispatcher import Router
from bot.events import TemplateCardEvent
from bot.filters import ButtonKey
from bot.replies import Reply
from tasks.counting import ProgressCounter
from tasks.rules import progress_line
from tasks.sharing import ShareLinks

router = Router(name="cards")


@router.event("template_card_event", ButtonKey("go", "done", "progress"))
async def answer_task_button(
    event: TemplateCardEvent,
    action: str,
    task_id: int,
    progress: ProgressCounter,
    share_links: ShareLinks,
    cards: WeComTaskCards,
) -> Reply:
    """点任务卡片的按钮：去完成＝怎么做，已转发/已参加＝记一次，查看进度＝当前进度；完成后卡片变为已完成。"""
    assignment = await progress.assignment(event.from_user, task_id)
    if assignment is None:
        return Reply.text("这个任务没有派给你哦。")
    task = assignment.task
    if not progress.is_open(task):
        return Reply.text(f"任务「{task.title}」已结束，感谢参与！")
    if action == "done" and (done := await progress.confirm_done(event.from_user, task_id)):
        assignment = done.assignment
    if assignment.progress >= task.target and event.response_code:
        await cards.mark_card_done(event.from_user, event.response_code)
    if action == "go":
        return Reply.text(await share_links.how_to(task, event.from_user))
    return Reply.text(f"「{task.title}」{progress_line(task, assignment)}")
