"""The `guidebot` command: serve, migrate, seed-demo, import-org, rebuild-boards, demo-traffic, create-admin."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import ipaddress
import logging
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import ValidationError

from config.app import create_app
from config.db import close_database, open_database
from config.demo_mode import DemoCredentialsError, enter_demo_mode
from config.demo_traffic import drive_demo_traffic
from config.redis import open_redis
from config.services import build_boards
from config.settings import Settings, SettingsError, load_settings
from contests.book import ContestBook
from kernel.clock import SystemClock
from leaderboards.store import RedisBoardStore
from org.csvfile import CsvError, parse_org_file
from org.demo import demo_org
from org.service import OrgImportError, OrgService
from staff.accounts import AccountExists, StaffAccounts
from staff.passwords import WeakPassword

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guidebot", description="WeCom guide-assistant bot and task service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, then run the web service")
    serve.add_argument(
        "--no-demo", action="store_true", help="do not load the demo organisation into an empty database"
    )
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("seed-demo", help="load the demo organisation (3 regions, 300 guides)")
    importer = commands.add_parser("import-org", help="import regions/branches/stores/guides/teams from JSON or CSV")
    importer.add_argument("file", type=Path)
    commands.add_parser("rebuild-boards", help="recreate every leaderboard in Redis from the database")
    traffic = commands.add_parser(
        "demo-traffic", help="drive the running service with the demo chain's callbacks and sales (after make run)"
    )
    traffic.add_argument("--rate", type=_positive, default=5.0, help="events per second (default 5)")
    traffic.add_argument("--minutes", type=_positive, help="stop after this many minutes (default: at Ctrl-C)")
    traffic.add_argument("--url", help="the running service (default: http://HOST:PORT from the settings)")
    traffic.add_argument("--force", action="store_true", help="run even though real WeCom credentials are set")
    admin = commands.add_parser("create-admin", help="make a console administrator with a password (asked twice)")
    admin.add_argument("username")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(**({"demo_data": False} if getattr(args, "no_demo", False) else {}))
    except SettingsError as exc:
        print(f"guidebot: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        if warning := public_url_warning(settings.public_url):
            log.warning(warning)
        try:
            settings = enter_demo_mode(settings)
        except DemoCredentialsError as exc:
            print(f"guidebot: {exc}", file=sys.stderr)
            return 2
        web.run_app(create_app(settings), host=settings.host, port=settings.port)
        return 0
    if args.command == "demo-traffic":
        options = {"rate": args.rate, "minutes": args.minutes, "force": args.force}
        return drive_demo_traffic(settings, url=args.url or settings.local_url, **options)
    if args.command == "import-org":
        return asyncio.run(_import_org(settings, args.file))
    if args.command == "create-admin":
        return asyncio.run(_create_admin(settings, args.username, args.password_stdin))
    if args.command == "rebuild-boards":
        return asyncio.run(_rebuild_boards(settings))
    return asyncio.run(_with_database(settings, seed=args.command == "seed-demo"))


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def public_url_warning(public_url: str) -> str | None:
    """Why a customer's phone could not open share links under PUBLIC_URL, or None when it looks reachable."""
    reason = _unreachable_because(urlsplit(public_url).hostname or "")
    if reason is None:
        return None
    return (
        f"share links point at PUBLIC_URL={public_url}, which customers' phones cannot open ({reason}); "
        "set PUBLIC_URL to the address customers reach, e.g. https://guide.example.com"
    )


def _unreachable_because(host: str) -> str | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local")) or "." not in host:
            return "only this machine or network knows that name"
        return None
    if address.is_loopback or address.is_unspecified:
        return "that is this machine"
    if not address.is_global:
        return "that address is not on the internet: a private or reserved network"
    return None


async def _with_database(settings: Settings, *, seed: bool) -> int:
    await open_database(settings.resolved_database_url)
    try:
        if seed:
            print((await OrgService().import_org(demo_org())).summary())
        else:
            print("database is up to date")
    finally:
        await close_database()
    return 0


async def _import_org(settings: Settings, path: Path) -> int:
    try:
        data = parse_org_file(path.name, path.read_bytes())
    except OSError as exc:
        print(f"guidebot: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except (ValidationError, CsvError, UnicodeDecodeError) as exc:
        print(f"guidebot: {path} is not a valid organisation file:\n{exc}", file=sys.stderr)
        return 1
    await open_database(settings.resolved_database_url)
    try:
        print((await OrgService().import_org(data)).summary())
    except OrgImportError as exc:
        print(f"guidebot: nothing imported: {exc}", file=sys.stderr)
        return 1
    finally:
        await close_database()
    return 0


async def _create_admin(settings: Settings, username: str, from_stdin: bool) -> int:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码 (password): ")
        if getpass.getpass("再输一次 (again): ") != password:
            print("guidebot: the two passwords differ; nothing created", file=sys.stderr)
            return 1
    await open_database(settings.resolved_database_url)
    try:
        await StaffAccounts().create_admin(username, password)
    except (WeakPassword, AccountExists) as exc:
        print(f"guidebot: {exc}; nothing created", file=sys.stderr)
        return 1
    finally:
        await close_database()
    print(f"created console administrator {username}: sign in at /console/login")
    return 0


async def _rebuild_boards(settings: Settings) -> int:
    await open_database(settings.resolved_database_url)
    try:
        async with open_redis(settings.redis_url, settings.var_dir) as redis:
            clock = SystemClock(ZoneInfo(settings.business_timezone))
            started = time.perf_counter()
            report = await build_boards(RedisBoardStore(redis), clock, ContestBook(clock)).rebuild()
            elapsed = time.perf_counter() - started
    finally:
        await close_database()
    print(f"rebuilt {report.boards} boards from {report.sources} records in {elapsed:.1f} s")
    return 0
