"""Why a contest operation was refused; nothing was changed. The HQ API maps each to its status."""

from __future__ import annotations


class ContestError(Exception):
    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


class ContestNotFound(ContestError):
    def __init__(self, contest_id: int) -> None:
        super().__init__(f"no contest {contest_id}", ["contest_id"])


class Invalid(ContestError):
    """The input breaks a rule: each problem is (field, message), all named at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems), [f for f, _ in problems])
        self.problems = problems


class InvalidContest(Invalid):
    """The contest names org units that do not exist, or starts too early."""


class DayOutsideContest(Invalid):
    def __init__(self, message: str) -> None:
        super().__init__([("day", message)])


class NotYet(ContestError):
    """The operation does not fit the moment: the day has not ended, or its facts are still being counted."""
