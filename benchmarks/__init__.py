"""Benchmark guides (标杆导购): each day's titles (开单达人, 拔草之王 …), paid, badged, announced, with the winners' tips.

Apart from contests: a benchmark is the whole chain's, every day, and needs no teams.
Figures come from the sales lines in the database (a title may count only some channels,
which no board keeps), so a selection never depends on Redis.
"""
