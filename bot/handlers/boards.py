from bot.dispatcher import Router
from bot.events import TextMessage
from bot.filters import Command, KnownGuide
from bot.replies import Reply
from leaderboards.links import PageLinks
from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.ranking import Standing
from leaderboards.service import Leaderboards
from org.models import Guide

router = Router(name="boards")


@router.text(Command("排行", "rank", "排名"), KnownGuide())
async def show_rank(msg: TextMessage, guide: Guide, leaderboards: Leaderboards, page_links: PageLinks) -> Reply:
    """我今天和本周的排名、门店和战队的名次，和我自己的排行榜链接"""
    today = leaderboards.clock.today()
    day, week = Period.day(today), Period.week(today)
    store = await guide.store
    memberships = await guide.teams.all().prefetch_related("team")
    asked = [
        ("今日销售额", Metric.SALES, Scope.GUIDE, day, guide.userid),
        ("本周销售额", Metric.SALES, Scope.GUIDE, week, guide.userid),
        ("今日净增粉丝", Metric.FANS, Scope.GUIDE, day, guide.userid),
        (f"门店「{store.name}」本周", Metric.SALES, Scope.STORE, week, store.code),
        *((f"战队「{m.team.name}」本周", Metric.SALES, Scope.TEAM, week, m.team.code) for m in memberships),
    ]
    lines = [
        _line(what, metric, await leaderboards.standing_of(metric, scope, period, member))
        for what, metric, scope, period, member in asked
    ]
    page = f"我的实时排行榜（7 天内有效）：{page_links.for_guide(guide.userid)}"
    return Reply.text(f"📊 {guide.name}的排名（{day.label}）\n" + "\n".join(lines) + "\n" + page)


def _line(what: str, metric: Metric, standing: Standing | None) -> str:
    if standing is None:
        return f"{what}：还没上榜，加油！"
    return f"{what}：第 {standing.rank} 名（{metric.format(standing.value)}）"
