"""What the tasks package needs from the outside world."""

from typing import Protocol

from tasks.models import Task


class TaskCardSender(Protocol):
    async def send_task_cards(self, task: Task, userids: list[str]) -> None:
        """Push the task's card to these guides (once per task)."""

    async def mark_card_done(self, userid: str, response_code: str) -> None:
        """Turn the card a guide tapped into a finished one."""

    async def send_cancellation(self, task: Task, userids: list[str]) -> None:
        """Tell these guides, once per task, that the task is cancelled."""
