from datetime import datetime

from bot.dispatcher import Router
from bot.events import TextMessage
from bot.filters import Command
from bot.replies import Reply
from pushes.budget import PushBudget

router = Router(name="pushes")
MUTE_WORDS = ("免打扰", "mute")


@router.text(Command(*MUTE_WORDS, "恢复", "unmute"))
async def mute_or_resume_pushes(msg: TextMessage, pushes: PushBudget) -> Reply:
    """暂停提醒推送一天；回复「恢复」随时恢复"""
    if not msg.content.strip().casefold().startswith(MUTE_WORDS):
        return await _resume(msg, pushes)
    until = await pushes.mute(msg.from_user)
    hours = round(pushes.policy.mute_for.total_seconds() / 3600)
    return Reply.text(
        f"好的，{hours} 小时内不再给你推送提醒，到 {_local(until, pushes)} 为止。\n"
        "期间的消息会替你攒着，恢复后合并成一条发给你。回复「恢复」随时恢复。"
    )


async def _resume(msg: TextMessage, pushes: PushBudget) -> Reply:
    was_muted = await pushes.muted_until(msg.from_user)
    waiting = await pushes.unmute(msg.from_user)
    first = "已恢复提醒推送。" if was_muted else "你没有开启免打扰，提醒推送一直开着。"
    if not waiting:
        return Reply.text(first)
    quiet_until = pushes.policy.quiet_until(pushes.clock.now())
    when = f" {_local(quiet_until, pushes)} 夜间免打扰结束后" if quiet_until else "一分钟内"
    return Reply.text(f"{first}替你攒着的 {waiting} 条消息会在{when}合并成一条发给你。")


def _local(at: datetime, pushes: PushBudget) -> str:
    local = at.astimezone(pushes.policy.timezone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
