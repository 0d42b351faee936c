"""Task cards and short pushes as WeCom messages, through the outbox.

WeComTaskCards satisfies tasks.ports.TaskCardSender; OutboxNotifier satisfies
rewards.ports.GuideNotifier, benchmarks.ports.GuideBroadcaster and digests.ports.NoticeSender. Button keys carry the task id: `done:42`, `progress:42`, `go:42`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.outbox import MAX_USERS_PER_SEND, MESSAGE_SEND, Outbox
from bot.replies import Reply
from digests.ports import Notice
from tasks.kinds import kind_of, metric_of
from tasks.models import Task
from tasks.rules import format_units

UPDATE_TEMPLATE_CARD = "message/update_template_card"
PROGRESS_BUTTON = "我的进度"  # the middle button of a kind without a done button


class OutboxNotifier:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def notify(self, userid: str, text: str, key: str) -> None:
        await self._outbox.enqueue_message(key, [userid], Reply.text(text).message_body())

    async def broadcast(self, userids: list[str], text: str, key: str) -> None:
        """One message/send per 1000 guides rather than one per guide."""
        await self._outbox.enqueue_message(key, userids, Reply.text(text).message_body())

    async def notify_many(self, notices: Iterable[Notice]) -> None:
        """A text to each guide, all written at once: one message/send per guide, since each reads differently."""
        await self._outbox.enqueue_many(
            (n.key, MESSAGE_SEND, {"touser": [n.userid], "body": Reply.text(n.text).message_body()}) for n in notices
        )


class WeComTaskCards:
    def __init__(self, outbox: Outbox, agent_id: int) -> None:
        self._outbox = outbox
        self._agent_id = agent_id

    async def send_task_cards(self, task: Task, userids: list[str]) -> None:
        """One template_card per 1000 guides; WeCom's TaskId must differ per message."""
        for n in range(0, len(userids), MAX_USERS_PER_SEND):
            card = task_card(task, card_id=f"task{task.id}-{n // MAX_USERS_PER_SEND}")
            await self._outbox.enqueue_message(
                f"task-card:{task.id}:{n}",
                userids[n : n + MAX_USERS_PER_SEND],
                {"msgtype": "template_card", "template_card": card},
            )

    async def send_cancellation(self, task: Task, userids: list[str]) -> None:
        """One line to every guide of the task, one message/send per 1000, once per task."""
        await self._outbox.enqueue_message(
            f"task-cancelled:{task.id}", userids, Reply.text(cancellation_text(task)).message_body()
        )

    async def mark_card_done(self, userid: str, response_code: str) -> None:
        await self._outbox.enqueue(
            f"card-done:{response_code}",
            UPDATE_TEMPLATE_CARD,
            {
                "userids": [userid],
                "agentid": self._agent_id,
                "response_code": response_code,
                "button": {"replace_name": "已完成 ✓"},
            },
        )


def reward_line(task: Task) -> str:
    """`50 金币，超出每单位 +5，最多 +100`: the reward at target, the bonus per unit above it and its cap."""
    line = f"{task.reward_coins} 金币"
    if task.bonus_per_unit:
        line += f"，超出每{metric_of(task).bonus_unit} +{task.bonus_per_unit}"
        if task.bonus_cap is not None:
            line += f"，最多 +{task.bonus_cap}"
    return line


def cancellation_text(task: Task) -> str:
    return f"任务「{task.title}」已取消，不用再做了。已经得到的金币照常保留。"


def task_card(task: Task, card_id: str) -> dict:
    """A button_interaction template card for the task, worded by its kind."""
    kind, reward = kind_of(task), reward_line(task)
    done = kind.done_button.text if kind.done_button else PROGRESS_BUTTON
    return {
        "card_type": "button_interaction",
        "source": {"desc": "总部任务"},
        "main_title": {"title": task.title[:26], "desc": kind.card_label},
        "sub_title_text": (task.description or task.material_text)[:120],
        "horizontal_content_list": [
            {"keyname": "目标", "value": format_units(task.metric, task.target)},
            {"keyname": "奖励", "value": reward},
            {"keyname": "截止", "value": task.end_date.strftime("%m月%d日")},
        ],
        "task_id": card_id,
        "button_list": [
            {"text": "去完成", "style": 1, "key": f"go:{task.id}"},
            {"text": done, "style": 2, "key": f"done:{task.id}"},
            {"text": "查看进度", "style": 3, "key": f"progress:{task.id}"},
        ],
    }
