from benchmarks.selection import MAX_TIP_CHARS, BenchmarkSelection
from bot.dispatcher import Router
from bot.events import TextMessage
from bot.filters import Command, KnownGuide
from bot.replies import Reply
from contests.book import ContestBook
from contests.cheers import MAX_CHEER_CHARS, Cheers, tidy
from contests.standings import ContestStandings
from contests.wording import pk_reply
from org.models import Guide

router = Router(name="contests")

MAX_CONTESTS_SHOWN = 2  # one phone screen


@router.text(Command("PK", "战况"), KnownGuide())
async def show_contest_standing(
    msg: TextMessage, guide: Guide, contests: ContestBook, contest_standings: ContestStandings
) -> Reply:
    """战队排名和与前一名的差距"""
    today = contest_standings.today()
    replies = []
    for running in reversed(await contests.running_on(today)):
        so_far = await contest_standings.of_contest(running)
        mine = so_far.heads.guides.get(guide.userid)
        if mine is None:
            continue
        day = await contest_standings.of_day(running, today)
        figure = await contest_standings.figure_of(running, guide.userid, today)
        replies.append(pk_reply(running, so_far.teams, day.teams, mine.team, figure))
    if not replies:
        return Reply.text("你现在没有参加进行中的 PK 赛。")
    return Reply.text("\n\n".join(replies[:MAX_CONTESTS_SHOWN]))


@router.text(Command("加油", "cheer"), KnownGuide())
async def cheer_team(msg: TextMessage, args: str, guide: Guide, cheers: Cheers, inbox_key: str) -> Reply:
    """为战队加油，例：加油 今天破万！"""
    text = tidy(args)
    if not text:
        return Reply.text("发「加油 想说的话」为战队打气，例如：加油 今天破万！")
    if len(text) > MAX_CHEER_CHARS:
        return Reply.text(f"加油词最多 {MAX_CHEER_CHARS} 个字，精简一下再发吧～")
    outcome = await cheers.cheer(guide.userid, text, source=inbox_key)
    if outcome.wait_seconds:
        return Reply.text(f"喊得太快啦，{outcome.wait_seconds} 秒后再来～")
    if not outcome.teams:
        return Reply.text("你现在没有参加进行中的 PK 赛。")
    return Reply.text(f"📣 已为「{'、'.join(outcome.teams)}」加油：{text}")


@router.text(Command("心得", "tip"), KnownGuide())
async def share_tip(msg: TextMessage, args: str, guide: Guide, benchmarks: BenchmarkSelection) -> Reply:
    """当选标杆导购后分享经验，例：心得 晚上八点发朋友圈"""
    if not args.strip():
        return Reply.text("当选标杆导购后，第二天内发「心得 你的经验」分享给大家～")
    picks = await benchmarks.add_tip(guide.userid, args)
    if not picks:
        return Reply.text("当选标杆导购的第二天内才能分享心得哦，继续加油！")
    cut = f"（超过 {MAX_TIP_CHARS} 字的部分没有保存）" if len(args.strip()) > MAX_TIP_CHARS else ""
    titles = "、".join(dict.fromkeys(pick.title_name for pick in picks))
    return Reply.text(f"👍 心得已收到，会和你的「{titles}」称号一起展示。{cut}")
