"""Leaderboards: boards per metric, scope and period, PK contests, benchmark guides, the live page."""
