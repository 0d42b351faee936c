"""What a board ranks (Metric) and over whom (Scope)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

FEN_PER_YUAN = 100


class Metric(StrEnum):
    SALES = "sales"
    ORDERS = "orders"
    FANS = "fans"
    SHARES = "shares"
    COINS = "coins"
    TASKS = "tasks"

    @property
    def label(self) -> str:
        return _METRIC_LABELS[self]

    @property
    def unit(self) -> str:
        return _METRIC_UNITS[self]

    def figure(self, score: float) -> Decimal:
        """A board score as the figure people read: sales are scored in fen and read in yuan."""
        if self is Metric.SALES:
            return Decimal(round(score)) / FEN_PER_YUAN
        return Decimal(round(score))

    def format(self, figure: Decimal) -> str:
        """`¥1,200.50`, `12 单`: a figure as guides read it."""
        if self is Metric.SALES:
            return f"¥{figure:,.0f}" if figure == figure.to_integral_value() else f"¥{figure:,.2f}"
        return f"{figure} {self.unit}"


class Scope(StrEnum):
    GUIDE = "guide"
    STORE = "store"
    BRANCH = "branch"
    REGION = "region"
    TEAM = "team"

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]


_METRIC_LABELS = {
    Metric.SALES: "销售额",
    Metric.ORDERS: "订单数",
    Metric.FANS: "净增粉丝",
    Metric.SHARES: "分享",
    Metric.COINS: "金币",
    Metric.TASKS: "完成任务",
}
_METRIC_UNITS = {
    Metric.SALES: "元",
    Metric.ORDERS: "单",
    Metric.FANS: "位",
    Metric.SHARES: "次",
    Metric.COINS: "枚",
    Metric.TASKS: "个",
}
_SCOPE_LABELS = {
    Scope.GUIDE: "导购",
    Scope.STORE: "门店",
    Scope.BRANCH: "分公司",
    Scope.REGION: "大区",
    Scope.TEAM: "战队",
}
