from bot.dispatcher import Dispatcher, Router
from bot.events import TextMessage
from bot.filters import Command, ExceptionType
from bot.replies import Reply

router = Router(name="chat")


@router.text(Command("帮助", "help", "菜单", "?", "？"))
async def show_help(msg: TextMessage, dispatcher: Dispatcher) -> Reply:
    """看看我能做什么"""
    lines = [f"{' / '.join(names[:2])}：{doc}" for names, doc in dispatcher.commands()]
    return Reply.text("我是导购助手，发这些词给我：\n" + "\n".join(lines))


@router.errors(ExceptionType(Exception))
async def apologise(event: object) -> Reply:
    """Any handler failure: the guide gets a short line instead of silence."""
    return Reply.text("系统繁忙，请稍后再试。")
