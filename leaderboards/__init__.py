"""Leaderboards: per-guide daily figures rolled up by store, branch, region and team, ranked live.

The database is the truth (sales lines, fans, ledger entries, task assignments); Redis
sorted sets serve reads and live updates, and `guidebot rebuild-boards` recreates them.
"""
