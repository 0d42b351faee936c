"""A contest's teams, and which of them a guide's seat on a day counts for."""

from __future__ import annotations

from dataclasses import dataclass

from contests.models import ContestTeam


@dataclass(frozen=True)
class Team:
    code: str
    name: str
    branch: str = ""
    stores: tuple[str, ...] = ()
    guides: tuple[str, ...] = ()


class Lineup:
    """Who plays for whom: a guide named in a squad plays for it; otherwise their store's squad, or their branch.

    The seat is the guide's Placement of the day, so a guide who moves store mid-contest
    counts for the old team on the old days and for the new one from the day they moved.
    """

    def __init__(self, contest_id: int, teams: list[Team]) -> None:
        self.contest_id = contest_id
        self.teams = {team.code: team for team in teams}
        self._by_guide = {guide: team.code for team in teams for guide in team.guides}
        self._by_store = {store: team.code for team in teams for store in team.stores}
        self._by_branch = {team.branch: team.code for team in teams if team.branch}

    @classmethod
    def of(cls, contest_id: int, rows: list[ContestTeam]) -> Lineup:
        return cls(
            contest_id,
            [
                Team(row.code, row.name, row.branch_code, tuple(row.store_codes), tuple(row.guide_userids))
                for row in sorted(rows, key=lambda row: row.code)
            ],
        )

    def team_of(self, guide_userid: str, store_code: str, branch_code: str) -> str | None:
        return (
            self._by_guide.get(guide_userid)
            or (self._by_store.get(store_code) if store_code else None)
            or (self._by_branch.get(branch_code) if branch_code else None)
        )

    def board_member(self, team_code: str) -> str:
        """A team's member id on the team boards, apart from the org's own teams and other contests'."""
        return f"{self.contest_id}:{team_code}"

    def team_of_member(self, member: str) -> str:
        return member.partition(":")[2]

    @property
    def branches(self) -> list[str]:
        return sorted(self._by_branch)

    @property
    def stores(self) -> list[str]:
        return sorted(self._by_store)

    @property
    def named_guides(self) -> list[str]:
        return sorted(self._by_guide)
