"""Chat with the bot as a guide, without WeCom (errbot's text backend): `python -m bot.console --as zhangsan`."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from datetime import UTC, datetime

import aiohttp

from bot.events import TextMessage
from bot.metrics import BotMetrics
from bot.replies import Reply
from config.db import close_database, open_database
from config.redis import open_redis
from config.services import build_services
from config.settings import SettingsError, load_settings


async def chat(guide: str) -> None:
    settings = load_settings(wecom_secret="", wecom_corp_id="", wecom_agent_id=None)
    await open_database(settings.resolved_database_url)
    async with open_redis(settings.redis_url, settings.var_dir) as redis, aiohttp.ClientSession() as session:
        services = build_services(settings, redis, session, BotMetrics())
        print(f"你现在是导购 {guide}。输入消息，回车发送；Ctrl-D 退出。")
        for n in itertools.count(1):
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            message = TextMessage(
                msg_type="text",
                content=line.strip(),
                msg_id=f"console-{n}",
                from_user=guide,
                create_time=datetime.now(UTC),
            )
            reply = await services.dispatcher.feed(message, inbox_key=f"console:{n}")
            print(reply.content if isinstance(reply, Reply) else "（没有回复）")
    await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as", dest="guide", default="zhangsan", help="the guide's WeCom UserID")
    args = parser.parse_args()
    try:
        asyncio.run(chat(args.guide))
    except SettingsError as exc:
        sys.exit(f"guidebot: configuration error: {exc}")


if __name__ == "__main__":
    main()
