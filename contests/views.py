"""HQ API for team PK contests: set up, standings, settle a day, results, corrections."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from contests.boards import team_of
from contests.book import ContestBook, Running
from contests.corrections import ContestCorrections
from contests.errors import ContestError, ContestNotFound, Invalid
from contests.models import ContestCorrection, ContestDay
from contests.page import contest_page
from contests.rules import DayState, Outcome, TeamStanding, Terms, day_standings, span_standings
from contests.schemas import (
    ChangeOut,
    ContestIn,
    ContestOut,
    ContestStandingOut,
    ContestTeamOut,
    CorrectionOut,
    DayResultOut,
    GuideStandingOut,
    PrizeOut,
    PrizesOut,
    ResultsOut,
    SettleQuery,
    StandingQuery,
    TeamStandingOut,
)
from contests.settlement import ContestSettlement
from contests.standings import ContestStandings
from kernel.api import ApiError, ApiRoute, json_ok, path_params, query_params, read_body
from leaderboards.links import LINK_PARAM, Holder, PageLinks
from leaderboards.metrics import FEN_PER_YUAN, Metric
from leaderboards.placements import Placements
from leaderboards.views import PAGE_HEADERS, PAGE_LINKS
from staff.access import Permission

CONTESTS = web.AppKey("contests", ContestBook)
CONTEST_STANDINGS = web.AppKey("contest_standings", ContestStandings)
SETTLEMENT = web.AppKey("contest_settlement", ContestSettlement)
CORRECTIONS = web.AppKey("contest_corrections", ContestCorrections)


def _status(exc: ContestError) -> tuple[int, str]:
    """The HQ API's answer to a domain error: a day not over (or still counting) is a 409."""
    if isinstance(exc, ContestNotFound):
        return 404, "not_found"
    if isinstance(exc, Invalid):
        return 422, "rule_violation"
    return 409, "conflict"


async def _guarded(call):
    try:
        return await call
    except ContestError as exc:
        status, code = _status(exc)
        raise ApiError(status, code, str(exc), [{"field": f, "message": str(exc)} for f in exc.fields]) from None


async def create_contest(request: web.Request) -> web.Response:
    book = request.app[CONTESTS]
    data = await read_body(request, ContestIn, check=book.problems)
    running = await _guarded(book.create(data))
    return json_ok(await contest_out(running, request.app[PAGE_LINKS]), status=201)


async def list_contests(request: web.Request) -> web.Response:
    links = request.app[PAGE_LINKS]
    return json_ok([await contest_out(running, links) for running in await request.app[CONTESTS].all()])


async def contest_standing(request: web.Request) -> web.Response:
    running = await _guarded(request.app[CONTESTS].get(path_params(request)["contest_id"]))
    query = query_params(request)
    standings = request.app[CONTEST_STANDINGS]
    if query.day is not None:
        contest = running.contest
        if not contest.start_date <= query.day <= contest.end_date:
            raise ApiError(422, "rule_violation", "day: is not a day of the contest",
                           [{"field": "day", "message": f"the contest runs {contest.start_date} to {contest.end_date}"}])  # fmt: skip
        result = await standings.of_day(running, query.day, query.by)
    else:
        result = await standings.of_contest(running, query.by)
    guides = []
    if running.contest.individual:
        teams = {userid: g.team for userid, g in result.heads.guides.items()}
        guides = [
            GuideStandingOut(rank=s.rank, guide=s.member, name=s.name, team=teams.get(s.member, ""),
                             value=s.value if running.metric is Metric.SALES else int(s.value))
            for s in await standings.guides(running, query.day)
        ]  # fmt: skip
    return json_ok(
        ContestStandingOut(
            contest_id=running.id,
            day=result.day,
            by=result.ranking,
            settled=result.settled,
            teams=[_team_out(running, s) for s in result.teams],
            guides=guides,
        )
    )


async def settle_day(request: web.Request) -> web.Response:
    settlement = request.app[SETTLEMENT]
    contest_id, day = path_params(request)["contest_id"], query_params(request).day
    settled = await _guarded(settlement.settle(contest_id, day))
    return json_ok(day_out(await request.app[CONTESTS].get(contest_id), settled))


async def contest_results(request: web.Request) -> web.Response:
    running, days = await _guarded(request.app[SETTLEMENT].results(path_params(request)["contest_id"]))
    return json_ok(results_out(running, days))


def results_out(running: Running, days: list[ContestDay]) -> ResultsOut:
    """The settled days and the final ranking as owed now (the API's answer and the console's page)."""
    final = None
    if running.contest.final_current is not None:
        states = [DayState.from_json(d.current["state"]) for d in days]
        final = DayResultOut(
            day=None,
            settled_at=max(d.settled_at for d in days),
            winner=Outcome.from_json(running.contest.final_current["outcome"]).winner,
            teams=[_team_out(running, s) for s in span_standings(states, Terms.of(running.contest))],
            prizes=_prizes_out(running.contest.final_current),
            corrected=running.contest.final_current != running.contest.final_settled,
        )
    return ResultsOut(contest_id=running.id, days=[day_out(running, d) for d in days], final=final)


async def contest_corrections(request: web.Request) -> web.Response:
    corrections = await _guarded(request.app[CORRECTIONS].of_contest(path_params(request)["contest_id"]))
    return json_ok([correction_out(c) for c in corrections])


async def contest_out(running: Running, links: PageLinks) -> ContestOut:
    contest, metric = running.contest, running.metric
    settled = await ContestDay.filter(contest_id=contest.id).order_by("day").values_list("day", flat=True)
    return ContestOut(
        id=contest.id,
        name=contest.name,
        metric=contest.metric,
        start_date=contest.start_date,
        end_date=contest.end_date,
        ranking=contest.ranking,
        daily_team_target=_shown(metric, contest.daily_team_target),
        personal_daily_target=_shown(metric, contest.personal_daily_target),
        prizes=PrizesOut(
            winning_team=contest.winning_team_prize,
            personal_target=contest.personal_target_prize,
            final_teams=contest.final_team_prizes,
            final_guides=contest.final_guide_prizes,
        ),
        individual=contest.individual,
        private=contest.private,
        teams=[
            ContestTeamOut(code=t.code, name=t.name, branch=t.branch, stores=list(t.stores), guides=list(t.guides))
            for t in running.lineup.teams.values()
        ],
        settled_days=list(settled),
        finished=contest.final_settled is not None,
        page_url=links.for_contest(contest.id) if contest.private else links.contest_page(contest.id),
    )


def day_out(running: Running, settled: ContestDay) -> DayResultOut:
    state = DayState.from_json(settled.current["state"])
    return DayResultOut(
        day=settled.day,
        settled_at=settled.settled_at,
        winner=settled.current["outcome"]["winner"],
        teams=[_team_out(running, s) for s in day_standings(state, Terms.of(running.contest))],
        prizes=_prizes_out(settled.current),
        corrected=settled.current != settled.settled,
    )


def _prizes_out(result: dict) -> list[PrizeOut]:
    return [PrizeOut(guide=p.guide, prize=p.code, coins=p.coins) for p in Outcome.from_json(result["outcome"]).prizes]


def _team_out(running: Running, standing: TeamStanding) -> TeamStandingOut:
    metric = running.metric
    return TeamStandingOut(
        rank=standing.rank,
        code=standing.code,
        name=standing.name,
        total=_shown(metric, standing.total),
        members=standing.members,
        per_capita=_decimal(standing.per_capita / _unit(metric)),
        target_percent=round(float(standing.target_share) * 100, 1) if standing.target_share is not None else None,
    )


def correction_out(correction: ContestCorrection) -> CorrectionOut:
    return CorrectionOut(
        id=correction.id,
        day=correction.day,
        source=correction.source,
        summary=correction.summary,
        changes=[ChangeOut(**change) for change in correction.changes],
        created_at=correction.created_at,
    )


def _unit(metric: Metric) -> int:
    return FEN_PER_YUAN if metric is Metric.SALES else 1


def _shown(metric: Metric, units: int) -> int | Decimal:
    """Board units as the API shows them: yuan for sales, else the count."""
    return Decimal(units) / FEN_PER_YUAN if metric is Metric.SALES else int(units)


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


NOT_YET = {409: "the day has not ended yet, or its facts are still being counted"}


def api_routes() -> list[ApiRoute]:
    """HQ's only: private contests and their signed page links are in every answer."""
    contest = "/api/v1/contests/{contest_id}"
    contests = Permission.CONTESTS
    return [
        ApiRoute("POST", "/api/v1/contests", create_contest, "Set up a team PK contest (starts after today)",
                 title="创建PK赛", tag="contests", permission=contests, body=ContestIn, response=ContestOut,
                 response_status=201),
        ApiRoute("GET", "/api/v1/contests", list_contests, "Contests, latest first", tag="contests",
                 permission=contests, response=list[ContestOut]),
        ApiRoute("GET", f"{contest}/standing", contest_standing,
                 "Team standings (and guides' for individual PK): a day, or the contest so far", tag="contests",
                 permission=contests, response=ContestStandingOut, query=StandingQuery),
        ApiRoute("POST", f"{contest}/settle", settle_day,
                 "Settle a day that has ended: winners, prizes paid and results sent, once", title="结算PK赛日",
                 tag="contests", permission=contests, response=DayResultOut, query=SettleQuery, errors=NOT_YET),
        ApiRoute("GET", f"{contest}/results", contest_results, "Settled days and the final ranking, as owed now",
                 tag="contests", permission=contests, response=ResultsOut),
        ApiRoute("GET", f"{contest}/corrections", contest_corrections,
                 "Late facts that changed settled days: before → after, and the coins that moved", tag="contests",
                 permission=contests, response=list[CorrectionOut]),
    ]  # fmt: skip


# --- the contest's page ----------------------------------------------------------------------


async def show_contest_page(request: web.Request) -> web.Response:
    """团队 PK 页面：累计和今日的战队排名、加油墙；私密赛事只对带签名链接的人开放。"""
    return await _render_contest(request, "contest.html")


async def show_contest_fragment(request: web.Request) -> web.Response:
    return await _render_contest(request, "_contest_board.html")


async def _render_contest(request: web.Request, template: str) -> web.Response:
    try:
        running = await request.app[CONTESTS].get(int(request.match_info["contest_id"]))
    except ContestNotFound:
        raise web.HTTPNotFound(text="没有这个赛事。") from None
    token = request.query.get(LINK_PARAM)
    if running.contest.private and not await _may_see(request, running, token):
        raise web.HTTPForbidden(text="这是私密赛事：请用总部或导购助手发给你的专属链接打开。")
    page = await contest_page(running, request.app[CONTEST_STANDINGS])
    kept = f"?{urlencode({LINK_PARAM: token})}" if token else ""
    stream = urlencode({"metric": running.metric.value, "period": f"contest:{running.id}"})
    context = {
        "page": page,
        "fragment_url": f"/leaderboard/contests/{running.id}/board{kept}",
        "stream_url": f"/leaderboard/stream?{stream}",
    }
    response = aiohttp_jinja2.render_template(template, request, context)
    response.headers.update(PAGE_HEADERS)
    return response


async def _may_see(request: web.Request, running: Running, token: str | None) -> bool:
    """A private contest's page opens with its own link, or with the link of a guide who plays in it today."""
    holder = request.app[PAGE_LINKS].read(token) if token else None
    if not isinstance(holder, Holder):
        return False
    if holder.contest == running.id:
        return True
    if holder.guide is None:
        return False
    placement = await Placements().of(holder.guide, request.app[CONTEST_STANDINGS].today())
    return team_of(running, placement) is not None


def setup_page_routes(app: web.Application) -> None:
    app.router.add_get(r"/leaderboard/contests/{contest_id:\d{1,9}}", show_contest_page)
    app.router.add_get(r"/leaderboard/contests/{contest_id:\d{1,9}}/board", show_contest_fragment)
