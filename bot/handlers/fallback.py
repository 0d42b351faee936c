from bot.dispatcher import Router
from bot.events import TextMessage
from bot.replies import Reply
from org.models import Guide

router = Router(name="fallback")


@router.text()
async def answer_unknown_text(msg: TextMessage, guide: Guide | None) -> Reply:
    """Text no command took: point at 帮助, or tell a sender outside the guide directory why nothing works."""
    if guide is None:
        return Reply.text("你还不在导购名单中，暂时用不了任务和金币，请联系总部运营添加。")
    return Reply.text("没看懂这条消息～发「帮助」查看我能做什么。")
