"""Chat with the bot as a guide, without WeCom (errbot's text backend): `python -m bot.console [--as USERID]`.

It opens the same database and Redis as `guidebot serve` (it may run next to it), loads the
demo organisation into an empty database, and by default speaks as the first guide there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from typing import TextIO

import aiohttp

from bot.events import TextMessage
from bot.inbox import GAVE_UP
from bot.metrics import BotMetrics
from bot.replies import Reply
from config.app import seed_demo_if_empty
from config.db import close_database, open_database
from config.redis import open_redis
from config.services import build_services
from config.settings import Settings, SettingsError, load_settings
from org.models import Guide

log = logging.getLogger(__name__)


async def chat(settings: Settings, userid: str | None, lines: TextIO, out: TextIO) -> int:
    """Feed each line of `lines` to the dispatcher as a text from the guide; print the replies to `out`."""
    await open_database(settings.resolved_database_url)
    try:
        if settings.demo_data:
            await seed_demo_if_empty()
        guide = await _pick_guide(userid)
        if guide is None and userid is None:
            print("导购名单是空的：先用 guidebot import-org 导入组织（或设 DEMO_DATA=true 载入演示数据）。", file=out)
            return 1
        async with open_redis(settings.redis_url, settings.var_dir) as redis, aiohttp.ClientSession() as session:
            services = build_services(settings, redis, session, BotMetrics())
            print(await _whoami(guide, userid), file=out)
            print("输入消息，回车发送；Ctrl-D 退出。发「帮助」看看能做什么。", file=out, flush=True)
            # Message ids are unique across runs: they become idempotency keys (兑换, 业绩).
            run = uuid.uuid4().hex[:12]
            n = 0
            while line := await asyncio.to_thread(lines.readline):
                if not line.strip():
                    continue
                n += 1
                message = TextMessage(
                    msg_type="text",
                    content=line.strip(),
                    msg_id=f"console-{run}-{n}",
                    from_user=guide.userid if guide else userid,
                    create_time=services.clock.now(),
                )
                try:
                    reply = await services.dispatcher.feed(message, inbox_key=f"console:{run}:{n}")
                except Exception:
                    # No inbox here to retry it: the guide is asked to send it again, and the console goes on.
                    log.exception("console message failed")
                    reply = Reply.text(GAVE_UP)
                print(reply.content if isinstance(reply, Reply) else "（没有回复）", file=out, flush=True)
        return 0
    finally:
        await close_database()


async def _pick_guide(userid: str | None) -> Guide | None:
    query = Guide.filter(userid=userid) if userid else Guide.all().order_by("id")
    return await query.select_related("store").first()


async def _whoami(guide: Guide | None, userid: str | None) -> str:
    if guide is not None:
        return f"你现在是导购 {guide.name}（{guide.userid}），{guide.store.name}（{guide.store.code}）。换人：make console AS=UserID（或 --as UserID）。"
    examples = "、".join(await Guide.all().order_by("id").limit(3).values_list("userid", flat=True))
    return f"注意：{userid} 不在导购名单中，机器人会把你当作陌生人。名单里的导购例如：{examples}。"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--as", dest="guide", default=None, help="the guide's WeCom UserID (default: the first guide in the database)"
    )
    args = parser.parse_args(argv)
    try:
        # Nothing leaves for WeCom from here and nothing arrives: the console needs no credentials.
        settings = load_settings(
            wecom_corp_id="", wecom_agent_id=None, wecom_secret="", wecom_callback_token="", wecom_encoding_aes_key=""
        )
    except SettingsError as exc:
        print(f"guidebot: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(chat(settings, args.guide, sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
