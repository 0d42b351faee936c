from bot.dispatcher import Router
from bot.events import TextMessage
from bot.replies import Reply

router = Router(name="fallback")


@router.text()
async def answer_unknown_text(msg: TextMessage) -> Reply:
    """Text no command matched: say so briefly and point at 帮助."""
    return Reply.text("没看懂这条消息～发「帮助」查看我能做什么。")
