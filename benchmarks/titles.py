"""The benchmark titles, declared once: what each counts, from which channels, the bar to clear, the coins."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FEN_PER_YUAN = 100


class BenchmarkTitle(BaseModel):
    """A daily title. `minimum` keeps a quiet day from naming anyone (orders, or yuan for sales)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,23}$", description="stable key: ledger sources, history")
    name: str = Field(min_length=1, max_length=16)
    measure: Literal["orders", "sales"]
    channels: tuple[str, ...] = Field((), description="only sales lines of these channels count; empty: every one")
    minimum: Decimal = Field(gt=0, max_digits=9, decimal_places=2)
    coins: int = Field(ge=0, le=100_000)

    @property
    def minimum_units(self) -> int:
        """The bar as the figures count: fen for sales."""
        return int(self.minimum * FEN_PER_YUAN) if self.measure == "sales" else int(self.minimum)


DEFAULT_TITLES = (
    BenchmarkTitle(code="most_orders", name="开单达人", measure="orders", minimum=Decimal(3), coins=50),
    BenchmarkTitle(
        code="online_sales",
        name="拔草之王",
        measure="sales",
        channels=("online", "share"),
        minimum=Decimal(500),
        coins=50,
    ),  # fmt: skip
)
