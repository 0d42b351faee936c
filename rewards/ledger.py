"""The coin ledger: every change is an entry with a source that is unique per guide.

The balance lives in Wallet, changed in the same transaction as the entry. The wallet row
is locked (SELECT … FOR UPDATE on PostgreSQL, the single writer on SQLite), so concurrent
debits cannot take it below zero and a repeated source changes nothing.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from kernel.clock import Clock
from kernel.event_bus import EventBus
from rewards.events import CoinsPosted
from rewards.models import CoinEntry, Wallet

REVERSAL = "reversal"
HQ_ADJUSTMENT = "hq"


class InsufficientCoins(Exception):
    def __init__(self, balance: int, wanted: int) -> None:
        super().__init__(f"balance {balance} is below {wanted}")
        self.balance = balance
        self.wanted = wanted


class NotReversible(Exception):
    """A reversal is itself the correction: reversing it again would pay the coins back out."""


class CoinLedger:
    """The only way coins change: entries posted once per (guide, source), each recorded as CoinsPosted."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock

    async def post(
        self,
        guide_userid: str,
        amount: int,
        reason: str,
        *,
        source_type: str,
        source_id: str,
        allow_partial: bool = False,
    ) -> CoinEntry:
        """Append one entry; the same (guide, source) again returns the first entry unchanged.

        A debit larger than the balance raises InsufficientCoins, or with `allow_partial`
        takes what is there (a reversal of coins already spent).
        """
        existing = await CoinEntry.get_or_none(guide_userid=guide_userid, source_type=source_type, source_id=source_id)
        if existing:
            return existing
        await Wallet.get_or_create(guide_userid=guide_userid)
        try:
            async with self._bus.transaction():
                wallet = await Wallet.filter(guide_userid=guide_userid).select_for_update().get()
                if wallet.balance + amount < 0:
                    if not allow_partial:
                        raise InsufficientCoins(wallet.balance, -amount)
                    reason = f"{reason}（余额不足，扣回 {wallet.balance}/{-amount}）"
                    amount = -wallet.balance
                entry = await CoinEntry.create(
                    guide_userid=guide_userid,
                    amount=amount,
                    reason=reason[:200],
                    source_type=source_type,
                    source_id=source_id,
                    created_at=self._clock.now(),
                )
                wallet.balance += amount
                await wallet.save(update_fields=["balance"])
                await self._bus.record(
                    CoinsPosted(
                        guide_userid=guide_userid,
                        entry_id=entry.id,
                        amount=amount,
                        reason=entry.reason,
                        source_type=source_type,
                        source_id=source_id,
                        posted_at=entry.created_at,
                    )  # fmt: skip
                )
                return entry
        except IntegrityError:
            return await CoinEntry.get(guide_userid=guide_userid, source_type=source_type, source_id=source_id)

    async def adjust(self, guide_userid: str, amount: int, reason: str, *, request_id: str, by: str) -> CoinEntry:
        """HQ grants (positive) or deducts (negative) coins; the same request_id again changes nothing.

        The entry has no column for who did it, so `by` (the person's name) goes into its
        reason, where the guide and the console both read it; the audit trail keeps the actor.
        """
        return await self.post(
            guide_userid, amount, f"总部调整：{reason}（{by}）", source_type=HQ_ADJUSTMENT, source_id=request_id
        )

    async def correct(self, entry: CoinEntry, reason: str, *, by: str) -> CoinEntry:
        """HQ reverses an entry, naming who in the reversal's reason as `adjust` does."""
        return await self.reverse(entry, f"总部更正：{reason}（{by}）")

    async def reverse(self, entry: CoinEntry, reason: str) -> CoinEntry:
        """Undo an entry with a new one; coins already spent are taken back only as far as the balance goes.

        Reversing the same entry again returns the first reversal; a reversal itself raises NotReversible.
        """
        if entry.source_type == REVERSAL:
            raise NotReversible(f"entry {entry.id} is a reversal")
        return await self.post(
            entry.guide_userid, -entry.amount, reason, source_type=REVERSAL, source_id=str(entry.id), allow_partial=True
        )

    async def reversal_of(self, entry: CoinEntry) -> CoinEntry | None:
        return await CoinEntry.get_or_none(
            guide_userid=entry.guide_userid, source_type=REVERSAL, source_id=str(entry.id)
        )

    async def balance(self, guide_userid: str) -> int:
        wallet = await Wallet.get_or_none(guide_userid=guide_userid)
        return wallet.balance if wallet else 0

    async def recent(self, guide_userid: str, limit: int = 5) -> list[CoinEntry]:
        return await CoinEntry.filter(guide_userid=guide_userid).order_by("-id").limit(limit)

    async def sum_of_entries(self, guide_userid: str) -> int:
        return sum(await CoinEntry.filter(guide_userid=guide_userid).values_list("amount", flat=True))
