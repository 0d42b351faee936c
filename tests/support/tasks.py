from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tasks.kinds import KINDS, Counted
from tasks.schemas import TaskIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLES = {"add_fans": "五一吸粉冲刺", "share_post": "转发新品海报", "sales_target": "周末业绩冲刺"}


def today() -> datetime:
    return datetime.now(UTC)


def task_in(kind: str = "add_fans", **overrides) -> TaskIn:
    """A task for the small org's two guides, open from yesterday to next week (Asia/Shanghai)."""
    day = today().astimezone(SHANGHAI).date()
    fields = {
        "kind": kind,
        "title": TITLES.get(kind, f"{kind} 任务"),
        "audience": {"stores": ["SH01", "SH02"]},
        "start_date": day - timedelta(days=1),
        "end_date": day + timedelta(days=7),
        "target": 3,
        "reward_coins": 50,
    }
    spec = KINDS.get(kind)
    metric = spec.metric(overrides.get("metric") or spec.default_metric.name) if spec else None
    if metric is not None and metric.counted_by is Counted.DONE_BUTTON:
        fields["target"] = 1  # the 已转发 / 已参加 tap counts once
    if kind == "share_post":
        fields["material"] = {"text": "新品上市，到店有礼", "link": "https://shop.example.com/new"}
    return TaskIn.model_validate({**fields, **overrides})
