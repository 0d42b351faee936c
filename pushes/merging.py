"""Several pushes that waited for one guide become one message: one ping instead of many."""

from __future__ import annotations

MAX_TEXT_BYTES = 2000  # WeCom cuts a text message at 2048 bytes
CARD_TASK_ID_LENGTH = 128


def merged_body(bodies: list[dict], release_tag: str) -> dict:
    """The one message that carries every waiting push, oldest first.

    A lone push goes as it was; a template card sent again needs a task_id of its own (WeCom
    refuses a task_id it has seen), hence `release_tag`. Several become one text, a card
    becoming a line that says how to open it.
    """
    if len(bodies) == 1:
        return _resent(bodies[0], release_tag)
    header = f"📬 为你合并了 {len(bodies)} 条消息："
    lines = [header]
    for number, body in enumerate(bodies, 1):
        line = f"{number}. {summary_line(body)}"
        more = f"……还有 {len(bodies) - number + 1} 条，回复「任务」查看"
        if len("\n\n".join([*lines, line, more]).encode()) > MAX_TEXT_BYTES:
            lines.append(more)
            break
        lines.append(line)
    return {"msgtype": "text", "text": {"content": "\n\n".join(lines)}}


def summary_line(body: dict) -> str:
    msgtype = body.get("msgtype")
    if msgtype in ("text", "markdown"):
        return body[msgtype]["content"]
    if msgtype == "template_card":
        card = body["template_card"]
        title, label = card.get("main_title", {}).get("title", ""), card.get("main_title", {}).get("desc", "")
        detail = card.get("sub_title_text", "")
        return f"【{label or '新任务'}】{title}" + (f"：{detail}" if detail else "") + "（回复「任务」查看）"
    return "一条新消息（回复「帮助」查看）"


def _resent(body: dict, release_tag: str) -> dict:
    if body.get("msgtype") != "template_card" or "task_id" not in body["template_card"]:
        return body
    card = body["template_card"]
    return {**body, "template_card": {**card, "task_id": f"{card['task_id']}-{release_tag}"[:CARD_TASK_ID_LENGTH]}}
