"""PK contests: the list, setting one up, a contest's settled days and corrections, settling a day by hand.

The pages call the services the HQ API calls and show the API's own shapes (contests/views.py),
so a contest reads the same here, in the API and on its live page.
"""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web

from console import contest_form
from console.contest_scope import runs_within, scope_problems, sees_contest, visible
from console.display import local_time
from console.forms import chinese, validate_checked
from console.pages import not_found, principal, record_change, render, requires, see_other, services
from contests.book import Running
from contests.corrections import SOURCE_LABELS
from contests.errors import ContestError, ContestNotFound, Invalid
from contests.models import ContestDay
from contests.rules import Ranking
from contests.schemas import ContestIn, ContestOut
from contests.views import contest_out, correction_out, day_out, results_out
from contests.wording import day_label, prize_label
from leaderboards.metrics import Metric
from org.models import Branch
from staff.access import Permission

routes = web.RouteTableDef()
CONTEST = r"/contests/{contest_id:\d{1,9}}"
CHANGE_SUBJECTS = {
    "team": "战队成绩",
    "guide": "导购成绩",
    "winner": "当日胜者",
    "coins": "金币",
    "final_winner": "总冠军",
    "final_coins": "总排名金币",
}


@routes.get("/contests")
@requires(Permission.READ)
async def contest_list(request: web.Request) -> web.Response:
    """进行中和已结束的PK赛；分公司和门店只看到自己参加的。"""
    me, links = principal(request), services(request).page_links
    shown = [await contest_out(running, links) for running in await visible(me, await services(request).contests.all())]
    return render(
        request,
        "contests/list.html",
        running=[c for c in shown if not c.finished],
        finished=[c for c in shown if c.finished],
        metric_label=_metric_label,
        day_label=day_label,
    )


@routes.get("/contests/new")
@requires(Permission.CONTESTS)
async def new_contest(request: web.Request) -> web.Response:
    return await _form_page(request, contest_form.blank_form(services(request).clock.today()), {})


@routes.post("/contests")
@requires(Permission.CONTESTS)
async def create_contest(request: web.Request) -> web.Response:
    """Checked by ContestIn and ContestBook.problems, as the API checks it, then by the person's scope."""
    form = await request.post()
    me, book = principal(request), services(request).contests

    async def check(values: dict) -> list[tuple[str, str]]:
        return await book.problems(values) + await scope_problems(me, values)

    data, errors = await validate_checked(ContestIn, contest_form.contest_data(form), contest_form.LABELS, check)
    if data is None:
        return await _form_page(request, contest_form.compacted(form), errors, status=422)
    try:
        running = await book.create(data)
    except Invalid as exc:  # an org unit removed between the check and the write
        errors = {field: f"{contest_form.LABELS.get(field, field)}：{reason}" for field, reason in _reasons(exc)}
        return await _form_page(request, contest_form.compacted(form), errors, status=422)
    created = await contest_out(running, services(request).page_links)
    await record_change(request, "创建PK赛", _target(running.id), None, _audited(created))
    raise see_other(f"/console/contests/{running.id}")


@routes.get(CONTEST)
@requires(Permission.READ)
async def contest_page(request: web.Request) -> web.Response:
    running = await _contest(request)
    return await _contest_page(request, running)


@routes.post(CONTEST + "/settle")
@requires(Permission.CONTESTS)
async def settle_contest_day(request: web.Request) -> web.Response:
    """结算一个已结束的比赛日：定胜负、发奖、通知，每天只结算一次。"""
    running = await _contest(request)
    if not await runs_within(principal(request), running):
        raise not_found()
    day = _day(str((await request.post()).get("day", "")))
    if day is None:
        return await _contest_page(request, running, error="请选择要结算的比赛日", status=422)
    if await ContestDay.exists(contest_id=running.id, day=day):
        return await _contest_page(request, running, notice=f"{day_label(day)}已经结算过，结果见下方")
    try:
        settled = await services(request).settlement.settle(running.id, day)
    except ContestError as exc:  # a day outside the contest, or one whose facts are still being counted
        reasons = "；".join(reason for _, reason in _reasons(exc))
        return await _contest_page(request, running, error=reasons, status=422 if isinstance(exc, Invalid) else 409)
    await record_change(
        request, "结算PK赛日", _target(running.id), None, day_out(running, settled).model_dump(mode="json")
    )
    raise see_other(f"/console/contests/{running.id}?settled={day.isoformat()}")


async def _contest(request: web.Request) -> Running:
    """The contest in the path, if the person may see it: otherwise 404, as for one that does not exist."""
    try:
        running = await services(request).contests.get(int(request.match_info["contest_id"]))
    except ContestNotFound:
        raise not_found() from None
    if not await sees_contest(principal(request), running):
        raise not_found()
    return running


async def _contest_page(
    request: web.Request, running: Running, *, error: str = "", notice: str = "", status: int = 200
) -> web.Response:
    me, svc = principal(request), services(request)
    contest = await contest_out(running, svc.page_links)
    _, days = await svc.settlement.results(running.id)
    results = results_out(running, days)
    corrections = [correction_out(c) for c in await svc.corrections.of_contest(running.id)]
    guides = {p.guide for d in [*results.days, *([results.final] if results.final else [])] for p in d.prizes}
    guides |= {userid for t in contest.teams for userid in t.guides}
    names = await svc.org.unit_names("guide", guides)
    team_units = await svc.org.unit_names("branch", [t.branch for t in contest.teams if t.branch])
    team_units |= await svc.org.unit_names("store", [code for t in contest.teams for code in t.stores])
    settled_now = _day(request.query.get("settled", ""))
    may_settle = me.can(Permission.CONTESTS) and await runs_within(me, running)
    return render(
        request,
        "contests/contest.html",
        status=status,
        contest=contest,
        results=results,
        corrections=corrections,
        to_settle=_days_to_settle(running, contest, svc.clock.today()) if may_settle else [],
        may_settle=may_settle,
        error=error,
        notice=notice or (f"{day_label(settled_now)}已结算，奖励和通知已发出" if settled_now else ""),
        names=names,
        unit_names=team_units,
        metric_label=_metric_label,
        ranking_label=lambda ranking: Ranking(ranking).label,
        change_subjects=CHANGE_SUBJECTS,
        day_label=day_label,
        prize_label=prize_label,
        source_label=lambda source: SOURCE_LABELS.get(source.partition(":")[0], source),
        local_time=local_time(request),
    )


def _days_to_settle(running: Running, contest: ContestOut, today: date) -> list[date]:
    """The contest's days that have ended and are not settled yet, oldest first."""
    return [day for day in running.days(until=today - timedelta(days=1)) if day not in contest.settled_days]


async def _form_page(request: web.Request, form, errors: dict[str, str], status: int = 200) -> web.Response:
    me = principal(request)
    branches = Branch.all() if me.branch_codes is None else Branch.filter(code__in=list(me.branch_codes))
    return render(
        request,
        "contests/new.html",
        status=status,
        form=form,
        errors=errors,
        branches=await branches.order_by("code").values_list("code", "name"),
        metrics=contest_form.METRICS,
        rankings=contest_form.RANKINGS,
        squad_rows=range(contest_form.SQUAD_ROWS),
        labels=contest_form.LABELS,  # a squad row's inputs are named to screen readers as its errors name them
    )


def _reasons(exc: ContestError) -> list[tuple[str, str]]:
    """(field, reason in Chinese) for each problem the domain named."""
    problems = exc.problems if isinstance(exc, Invalid) else [("", str(exc))]
    return [(field, chinese(message)) for field, message in problems]


def _audited(contest: ContestOut) -> dict:
    """The contest as the trail keeps it: a private contest's page link is a key to it, so it stays out."""
    return contest.model_dump(mode="json", exclude={"page_url"})


def _target(contest_id: int) -> str:
    return f"/console/contests/{contest_id}"


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _metric_label(metric: str) -> str:
    return Metric(metric).label
