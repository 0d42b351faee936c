"""Scheduled pushes composed for each guide: the morning digest, task reminders, the evening PK results.

Each reads what it needs for every guide in a few batched queries (never one per guide),
and writes its pushes through `ports.NoticeSender` in bulk, each under a key that makes it
once: a run done again after a crash sends nobody anything twice and skips nobody.
"""
