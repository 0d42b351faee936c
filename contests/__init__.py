"""Team PK contests (团队 PK): teams, daily standings, settlement with prizes, corrections, cheers.

A package of its own rather than part of leaderboards/: a contest has a life the boards do
not (HQ sets it up, each day is settled and paid, a late sale corrects a settled day), and
its own API and chat. It rides on the boards one way: `ContestBoards` adds the contest's
boards to the same facts, and settlement reads them.
"""
