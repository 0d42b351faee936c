"""Why the tasks package refused something; nothing was changed. The HQ API maps each to its status."""

from __future__ import annotations


class TaskError(Exception):
    """A refused task or sale operation, with the input fields it concerns."""

    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


class NotFound(TaskError):
    """What the operation names does not exist."""


class TaskNotFound(NotFound):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"no task {task_id}", ["task_id"])


class SaleNotFound(NotFound):
    def __init__(self, sale_id: int) -> None:
        super().__init__(f"no sale {sale_id}", ["sale_id"])


class Conflict(TaskError):
    """The operation does not fit the state it finds."""


class TaskStateConflict(Conflict):
    """A task's status does not allow the change (editing a published task, publishing a cancelled one)."""


class SaleConflict(Conflict):
    """An order id already recorded with another meaning."""


class SaleNotInReview(Conflict):
    """Confirming or rejecting a sale that is not waiting for HQ's review."""


class Invalid(TaskError):
    """The input breaks a rule: each problem is (field, message), all named at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems), [f for f, _ in problems])
        self.problems = problems


class InvalidTask(Invalid):
    """A task whose audience is unknown or has no guides."""


class InvalidSale(Invalid):
    """A sales line that refers to an unknown guide or order."""
