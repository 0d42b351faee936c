"""The bot's router tree; `get_routers` is the one place that orders them."""

from bot.dispatcher import Router
from bot.handlers import boards, cards, chat, contacts, contests, fallback, pushes, rewards, tasks


def get_routers() -> list[Router]:
    """Specific routers first; `fallback` answers any text nobody else took."""
    return [
        chat.router,
        tasks.router,
        rewards.router,
        boards.router,
        contests.router,
        pushes.router,
        cards.router,
        contacts.router,
        fallback.router,
    ]
