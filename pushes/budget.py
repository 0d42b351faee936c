"""The one gate every non-urgent push to a guide passes: caps, quiet hours, 免打扰; what may not go, waits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from redis.asyncio import Redis
from tortoise.transactions import in_transaction

from kernel.clock import Clock
from pushes.merging import merged_body
from pushes.models import HOLD_REASON_LABELS, DeferredPush, HoldReason, PushLogEntry, PushMute, PushOutcome
from pushes.policy import PushPolicy
from pushes.ports import ReleasedPushQueue

_TAKE_PUSH_SLOTS = (Path(__file__).parent / "lua" / "take_push_slots.lua").read_text()
_CAP_REASONS = {1: HoldReason.HOURLY_CAP, 2: HoldReason.DAILY_CAP}
HOUR_TTL_SECONDS = 2 * 3600
DAY_TTL_SECONDS = 2 * 86400
RELEASE_BATCH = 1000


@dataclass(frozen=True)
class Hold:
    reason: HoldReason
    until: datetime


@dataclass(frozen=True)
class Release:
    messages: int
    pushes: int


class _AlreadyReleased(Exception):
    """Another process released these pushes first."""


def push_kind(key: str) -> str:
    """`task-card`, `digest`, `fan-report-daily` …: what a push is, its outbox key up to the first `:` or `@`."""
    return re.split(r"[:@]", key, maxsplit=1)[0]


class PushBudget:
    def __init__(self, redis: Redis, policy: PushPolicy, clock: Clock) -> None:
        self._take_push_slots = redis.register_script(_TAKE_PUSH_SLOTS)
        self.policy = policy
        self.clock = clock

    async def admit(self, key: str, userids: list[str], body: dict, *, retried: bool = False) -> list[str]:
        """The guides this push (outbox key `key`) may reach now; the others' copies wait as DeferredPush rows.

        `retried`: an earlier attempt of the same push may have deferred some guides already;
        they keep waiting rather than also getting it now.
        """
        now = self.clock.now()
        if retried:
            waiting = set(
                await DeferredPush.filter(source_key=key, userid__in=userids).values_list("userid", flat=True)
            )
            userids = [userid for userid in userids if userid not in waiting]
        holds = await self._holds(key, userids, now)
        if holds:
            await self._defer(key, body, holds, now)
        return [userid for userid in userids if userid not in holds]

    async def log_sent(self, key: str, userids: list[str], *, urgent: bool) -> None:
        now = self.clock.now()
        reason = "urgent" if urgent else ""
        entries = [PushLogEntry(userid=u, key=key, outcome=PushOutcome.SENT, reason=reason, at=now) for u in userids]
        await PushLogEntry.bulk_create(entries, ignore_conflicts=True)

    async def log_failed(self, key: str, userids: list[str], error: str) -> None:
        now = self.clock.now()
        entries = [
            PushLogEntry(userid=u, key=key, outcome=PushOutcome.FAILED, detail=error[:200], at=now) for u in userids
        ]
        await PushLogEntry.bulk_create(entries, ignore_conflicts=True)

    async def mute(self, userid: str) -> datetime:
        """免打扰: hold the guide's non-urgent pushes for `policy.mute_for`; returns when it ends."""
        until = self.clock.now() + self.policy.mute_for
        await PushMute.update_or_create(defaults={"until": until}, userid=userid)
        return until

    async def unmute(self, userid: str) -> int:
        """恢复: end the mute; what waited for it goes out with the next release. Returns how many pushes wait."""
        now = self.clock.now()
        await PushMute.filter(userid=userid).delete()
        await DeferredPush.filter(userid=userid, released_into=None, reason=HoldReason.MUTED).update(
            release_at=self.policy.first_allowed(now)
        )
        return await DeferredPush.filter(userid=userid, released_into=None).count()

    async def muted_until(self, userid: str) -> datetime | None:
        mute = await PushMute.get_or_none(userid=userid, until__gt=self.clock.now())
        return mute.until if mute else None

    async def release_due(self, queue: ReleasedPushQueue) -> Release:
        """Send each guide whose waiting pushes are due one message carrying them all, within the caps."""
        now = self.clock.now()
        messages = pushes = 0
        if self.policy.quiet_until(now):
            return Release(0, 0)
        while True:
            due = await DeferredPush.filter(released_into=None, release_at__lte=now).order_by("id").limit(RELEASE_BATCH)
            if not due:
                return Release(messages, pushes)
            waiting: dict[str, list[DeferredPush]] = {}
            for push in due:
                waiting.setdefault(push.userid, []).append(push)
            tags = {userid: f"pushes:{userid}:{rows[0].id}" for userid, rows in waiting.items()}
            holds = await self._holds_by_tag(tags, now)
            for userid, hold in holds.items():
                ids = [row.id for row in waiting.pop(userid)]
                await DeferredPush.filter(id__in=ids).update(release_at=hold.until, reason=hold.reason)
            for userid, rows in waiting.items():
                if await self._release(queue, tags[userid], userid, rows, now):
                    messages, pushes = messages + 1, pushes + len(rows)

    async def _release(
        self, queue: ReleasedPushQueue, key: str, userid: str, rows: list[DeferredPush], now: datetime
    ) -> bool:
        ids = [row.id for row in rows]
        try:
            async with in_transaction():
                if await DeferredPush.filter(id__in=ids, released_into=None).update(released_into=key) != len(ids):
                    raise _AlreadyReleased
                await queue.enqueue_released(key, userid, merged_body([row.body for row in rows], f"r{rows[0].id}"))
                if len(rows) > 1:
                    detail = "合并了 " + "、".join(row.source_key for row in rows)
                    await PushLogEntry.create(
                        userid=userid, key=key, outcome=PushOutcome.MERGED, detail=detail[:200], at=now
                    )
        except _AlreadyReleased:
            return False
        return True

    async def _holds(self, key: str, userids: list[str], now: datetime) -> dict[str, Hold]:
        if not userids:
            return {}
        if quiet_until := self.policy.quiet_until(now):
            holds = await self._mutes(userids, now)
            return {userid: holds.get(userid, Hold(HoldReason.QUIET_HOURS, quiet_until)) for userid in userids}
        return await self._holds_by_tag({userid: key for userid in userids}, now)

    async def _holds_by_tag(self, tags: dict[str, str], now: datetime) -> dict[str, Hold]:
        """Mutes, then each remaining guide's caps, taking one push from them for its tag."""
        holds = await self._mutes(list(tags), now)
        capped = [userid for userid in tags if userid not in holds]
        if not capped or not (self.policy.per_hour or self.policy.per_day):
            return holds
        hour, day = self.policy.hour_bucket(now), self.policy.day_bucket(now)
        # one call per tag: a fresh push shares one tag, released batches have one per guide
        by_tag: dict[str, list[str]] = {}
        for userid in capped:
            by_tag.setdefault(tags[userid], []).append(userid)
        for tag, userids in by_tag.items():
            keys = [key for userid in userids for key in (f"push:h:{userid}:{hour}", f"push:d:{userid}:{day}")]
            args = [tag, self.policy.per_hour, self.policy.per_day, HOUR_TTL_SECONDS, DAY_TTL_SECONDS]
            verdicts = await self._take_push_slots(keys=keys, args=args)
            for userid, verdict in zip(userids, verdicts, strict=True):
                if verdict:
                    reason = _CAP_REASONS[int(verdict)]
                    holds[userid] = Hold(reason, self.policy.after_cap(reason, now))
        return holds

    async def _mutes(self, userids: list[str], now: datetime) -> dict[str, Hold]:
        mutes = await PushMute.filter(userid__in=userids, until__gt=now).values_list("userid", "until")
        return {userid: Hold(HoldReason.MUTED, self.policy.first_allowed(until)) for userid, until in mutes}

    async def _defer(self, key: str, body: dict, holds: dict[str, Hold], now: datetime) -> None:
        deferred = [
            DeferredPush(source_key=key, userid=u, body=body, reason=h.reason, release_at=h.until, created_at=now)
            for u, h in holds.items()
        ]
        logged = [
            PushLogEntry(
                userid=u,
                key=key,
                outcome=PushOutcome.DEFERRED,
                reason=h.reason.value,
                detail=f"{HOLD_REASON_LABELS[h.reason]}，延后到 {h.until.astimezone(self.policy.timezone):%m-%d %H:%M}",
                at=now,
            )
            for u, h in holds.items()
        ]
        async with in_transaction():
            await DeferredPush.bulk_create(deferred, ignore_conflicts=True)
            await PushLogEntry.bulk_create(logged, ignore_conflicts=True)
