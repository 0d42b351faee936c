"""The push budget (疲劳度控制): how often a guide may be pushed to, when, and what waits.

Every push to a guide passes `PushBudget.admit` on its way out (the outbox calls it for
every message that is not an answer or urgent), so no path can bypass it. What may not go
now is kept as a `DeferredPush` and released later, merged with whatever else waited.
"""
