from bot.dispatcher import Dispatcher, Router
from bot.events import TextMessage
from bot.filters import Command
from bot.replies import Reply

router = Router(name="chat")


@router.text(Command("帮助", "help", "菜单", "?", "？"))
async def show_help(msg: TextMessage, dispatcher: Dispatcher) -> Reply:
    """看看我能做什么"""
    lines = [f"{' / '.join(names[:2])}：{doc}" for names, doc in dispatcher.commands()]
    return Reply.text("我是导购助手，发这些词给我：\n" + "\n".join(lines))
